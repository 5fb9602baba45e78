/* gr-semdiff: decision-free phase tracking over BPSK OFDM symbols (see phase_track.h). */
#include "phase_track.h"
#include <cmath>
#include <complex>

namespace gr {
namespace semdiff {

double track_bpsk_phase(gr_complex* Y, const gr_complex* H, const std::vector<int>& bins, int N,
                        const std::vector<double>& t)
{
    const size_t n = t.size();
    std::vector<double> phi(n);
    double prev = 0, rate = 0, t_prev = 0; // the reference symbol: phase 0 at t = 0
    for (size_t s = 0; s < n; s++) {
        std::complex<double> z = 0;
        for (int b : bins) {
            const std::complex<double> v = Y[s * N + b] * std::conj(H[b]);
            z += v * v;
        }
        const double predicted = prev + rate * (t[s] - t_prev);
        double p = std::arg(z) / 2; // in (−π/2, π/2]: the branch nearest the prediction
        p += M_PI * std::round((predicted - p) / M_PI);
        if (s > 0 || t[s] > 0)
            rate = (p - 0.0) / t[s]; // slope through the reference point, refined symbol by symbol
        phi[s] = p;
        prev = p;
        t_prev = t[s];
        const gr_complex rot = std::polar(1.f, float(-p));
        for (int b : bins)
            Y[s * N + b] *= rot;
    }
    // least-squares slope through the origin (the reference symbol has phase 0 by construction)
    double num = 0, den = 0;
    for (size_t s = 0; s < n; s++)
        num += phi[s] * t[s], den += t[s] * t[s];
    const double slope = den > 0 ? num / den : 0.0; // rad per sample
    return slope * N / (2 * M_PI);
}

} // namespace semdiff
} // namespace gr
