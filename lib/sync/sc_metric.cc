/* gr-semdiff: Schmidl & Cox metric and CFO rotation (see sc_metric.h). */
#include "sc_metric.h"
#include <cmath>

namespace gr {
namespace semdiff {

using cd = std::complex<double>;

long sc_detect(const gr_complex* r, long from, long last, int L, float thr, int min_run)
{
    cd P = 0;
    double R = 0;
    int run = 0;
    for (long d = from; d < last; d++) {
        if ((d - from) % 1024 == 0) {
            P = 0;
            R = 0;
            for (long m = 0; m < L; m++) {
                P += cd(std::conj(r[d + m]) * r[d + m + L]);
                R += std::norm(r[d + m + L]);
            }
        }
        run = R > 1e-30 && std::norm(P) > thr * R * R ? run + 1 : 0; // M > thr without a division
        if (run >= min_run)
            return d - min_run + 1;
        P += cd(std::conj(r[d + L]) * r[d + 2 * L]) - cd(std::conj(r[d]) * r[d + L]);
        R += std::norm(r[d + 2 * L]) - std::norm(r[d + L]);
    }
    return -1;
}

long sc_plateau_max(const gr_complex* r, long from, long to, int L, cd* P_best)
{
    double best = -1;
    long at = from;
    for (long x = from; x <= to; x++) {
        cd P = 0;
        double R = 0;
        for (long m = 0; m < L; m++) {
            P += cd(std::conj(r[x + m]) * r[x + m + L]);
            R += std::norm(r[x + m + L]);
        }
        const double M = R > 1e-30 ? std::norm(P) / (R * R) : 0.0;
        if (M > best)
            best = M, at = x, *P_best = P;
    }
    return at;
}

void rotate(const gr_complex* in, long n, double eps, int N, long ref, gr_complex* out)
{
    // a phasor turned one step per sample (double, re-anchored every 256 samples) instead of a sincos
    // per sample: each burst is rotated three times
    const double w = -2 * M_PI * eps / N;
    const cd step = std::polar(1.0, w);
    cd ph;
    for (long i = 0; i < n; i++) {
        if (i % 256 == 0)
            ph = std::polar(1.0, w * double(i - ref));
        out[i] = in[i] * gr_complex(ph);
        ph *= step;
    }
}

} // namespace semdiff
} // namespace gr
