/* gr-semdiff: burst acquisition (see burst_sync.h for the method and references). */
#include "burst_sync.h"
#include "phase_track.h"
#include "sc_metric.h"
#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>

namespace gr {
namespace semdiff {

using cd = std::complex<double>;

burst_sync::burst_sync(const grid_spec& grid, float threshold, int channel_taps)
    : d_fmt(grid),
      d_thr(threshold),
      d_L(grid.fft_len / 2),
      d_taps(channel_taps),
      d_min_run(std::max(4, grid.cp_len / 4)),
      d_fft(grid.fft_len, 1, true)
{
    if (!(threshold > 0.f && threshold < 1.f))
        throw std::invalid_argument("burst_sync: threshold must be in (0, 1), got " + std::to_string(threshold));
    if (channel_taps < 1 || channel_taps > grid.fft_len / 2)
        throw std::invalid_argument("burst_sync: channel_taps must be in 1 … fft_len/2, got " +
                                    std::to_string(channel_taps));
    const auto& bins = d_fmt.used_bins();
    const int nu = static_cast<int>(bins.size());
    Eigen::MatrixXcf F(nu, channel_taps);
    for (int i = 0; i < nu; i++)
        for (int l = 0; l < channel_taps; l++)
            F(i, l) = std::polar(1.f, float(-2 * M_PI * bins[i] * l / grid.fft_len));
    d_proj = F * (F.adjoint() * F).ldlt().solve(F.adjoint());
    const auto& lts = d_fmt.lts();
    d_lts_t.assign(lts.begin() + 2 * grid.cp_len, lts.begin() + 2 * grid.cp_len + grid.fft_len);
}

long burst_sync::lookahead() const
{
    // the worst case of acquire(): a plateau maximum at the end of its search window puts the payload's
    // end N + 2·CP past burst_len (fine-timing search reaches less far)
    return d_fmt.burst_len() + d_fmt.fft_len() + 2 * d_fmt.cp_len();
}

void burst_sync::fft(const gr_complex* in, gr_complex* out)
{
    std::copy(in, in + d_fmt.fft_len(), d_fft.data());
    d_fft.execute();
    for (int i = 0; i < d_fmt.fft_len(); i++)
        out[i] = d_fft.data()[i] * d_fft.scale();
}

void burst_sync::correct(const gr_complex* in, long n, double eps, long ref, gr_complex* out) const
{
    rotate(in, n, eps, d_fmt.fft_len(), ref, out);
}

long burst_sync::detect(const gr_complex* r, long n, long from)
{
    const long last = n - lookahead();
    return from < 0 || from >= last ? -1 : sc_detect(r, from, last, d_L, d_thr, d_min_run);
}

bool burst_sync::acquire(const gr_complex* buf, long n, long d, burst_result& r)
{
    const int N = d_fmt.fft_len(), cp = d_fmt.cp_len(), sym = N + cp;
    const auto& g = d_fmt.grid();
    const auto& bins = d_fmt.used_bins();
    const auto& X = d_fmt.lts_freq();
    r.failure = "no_preamble";
    if (d < 0 || d + lookahead() > n)
        return false;

    // 1. plateau maximum of the S&C metric: fractional CFO and a coarse timing
    cd Pm = 0;
    const long xm = sc_plateau_max(buf, d, d + cp + d_L, d_L, &Pm);
    double eps = std::arg(Pm) / M_PI;
    const long t_exp = xm - cp / 2 + sym + 2 * cp; // expected first LTS copy (plateau centre ≈ STS + cp/2)

    // 2. integer CFO (even shifts): differential correlation of the LTS spectrum with the known one
    const long base = t_exp - N;
    const long len = std::min(n - base, long(lookahead()));
    d_work.resize(len);
    // only the LTS window needs the fractional correction here; the whole region is rotated once below
    correct(buf + t_exp, N, eps, 0, d_work.data());
    std::vector<gr_complex> Y(N), Y2(N), H(N, 0), h(N);
    fft(d_work.data(), Y.data());
    int s_best = 0;
    double b_best = -1;
    for (int s = -4; s <= 4; s += 2) {
        cd B = 0;
        for (size_t i = 0; i + 1 < bins.size(); i++) {
            if (g.used_carriers[i + 1] - g.used_carriers[i] != 1)
                continue;
            const int b0 = bins[i], b1 = bins[i + 1];
            B += cd(Y[(b0 + s + N) % N] * std::conj(Y[(b1 + s + N) % N]) * std::conj(X[b0]) * X[b1]);
        }
        if (std::abs(B) > b_best)
            b_best = std::abs(B), s_best = s;
    }
    eps += s_best;
    correct(buf + base, len, eps, t_exp - base, d_work.data());
    const gr_complex* w = d_work.data() - base; // w[i] ≡ corrected sample i of buf

    // 3. fine timing: both LTS copies against the known symbol; then the channel's energy window
    long t0 = t_exp;
    double c_best = -1;
    for (long t = t_exp - cp - d_L; t <= t_exp + cp + d_L; t++) {
        gr_complex c = 0;
        for (int m = 0; m < N; m++)
            c += (w[t + m] + w[t + N + m]) * std::conj(d_lts_t[m]);
        if (std::norm(c) > c_best)
            c_best = std::norm(c), t0 = t;
    }
    const long tw = t0 - cp / 2; // early by cp/2: still inside the double CP
    fft(w + tw, Y.data());
    fft(w + tw + N, Y2.data());
    for (int b : bins)
        H[b] = (Y[b] + Y2[b]) * 0.5f / X[b];
    d_fmt.ifft(H.data(), h.data());
    // the latest window start that still holds (almost) all the energy: the first path lands on tap 0,
    // as the LMMSE prior (a decaying PDP from tap 0) assumes; an earlier start would waste taps
    std::vector<double> e(cp + cp / 2 + 1, 0.0);
    for (int t = -cp / 2; t <= cp; t++)
        for (int l = 0; l < d_taps; l++)
            e[t + cp / 2] += std::norm(h[((t + l) % N + N) % N]);
    const double e_max = *std::max_element(e.begin(), e.end());
    int tau = -cp / 2;
    for (int t = -cp / 2; t <= cp; t++)
        if (e[t + cp / 2] >= 0.98 * e_max)
            tau = t;
    const long T = tw + tau;

    // 4. residual CFO from the copies (range ±½ subcarrier), noise, coherence, channel estimate
    cd C = 0;
    for (int m = 0; m < N; m++)
        C += cd(std::conj(w[T + m]) * w[T + N + m]);
    const double eps_r = std::arg(C) / (2 * M_PI);
    eps += eps_r;
    correct(buf + base, len, eps, T - base, d_work.data());
    w = d_work.data() - base;
    fft(w + T, Y.data());
    fft(w + T + N, Y2.data());
    double nv = 0, p1 = 0, p2 = 0, sig = 0;
    cd c12 = 0;
    std::fill(H.begin(), H.end(), gr_complex(0));
    for (int b : bins) {
        nv += std::norm(Y[b] - Y2[b]) / 2;
        sig += std::norm(Y[b] + Y2[b]) / 4;
        p1 += std::norm(Y[b]);
        p2 += std::norm(Y2[b]);
        c12 += cd(Y[b] * std::conj(Y2[b]));
        H[b] = (Y[b] + Y2[b]) * 0.5f / X[b];
    }
    nv /= bins.size();
    sig = sig / bins.size() - nv / 2;
    r.lts_coherence = p1 > 0 && p2 > 0 ? float(std::abs(c12) / std::sqrt(p1 * p2)) : 0.f;
    r.noise_var = float(std::max(nv, 1e-12));
    r.snr_db = float(10 * std::log10(std::max(sig, 1e-12) / r.noise_var));
    if (!(r.lts_coherence >= 0.2f))
        return false;

    r.cfo = float(eps);
    r.start = T - 2 * cp - sym;
    // 5. header, equalized with the smoothed estimate
    Eigen::VectorXcf hu(bins.size());
    for (size_t i = 0; i < bins.size(); i++)
        hu(i) = H[bins[i]];
    hu = d_proj * hu;
    for (size_t i = 0; i < bins.size(); i++)
        H[bins[i]] = hu(i);
    // and derotated symbol by symbol: a residual CFO of 0.04 subcarriers (3σ at 5 dB) already turns
    // the last header symbol by 2 rad; the drift it measures sharpens the CFO for the payload
    const int nh = d_fmt.n_header_symbols();
    std::vector<gr_complex> Yh(nh * N);
    std::vector<double> th(nh);
    for (int s = 0; s < nh; s++) {
        fft(w + T + 2 * N + s * sym + cp, &Yh[s * N]);
        th[s] = double(2 * N + s * sym + cp) - N / 2.0; // from the LTS pair's centre
    }
    const double eps_h = track_bpsk_phase(Yh.data(), H.data(), bins, N, th);
    if (!d_fmt.demodulate_header(Yh.data(), H.data(), r.noise_var, r.header)) {
        r.failure = "header_crc";
        return false;
    }
    eps += eps_h;
    correct(buf + base, len, eps, T - base, d_work.data()); // same reference as Ĥ: phase continuity
    w = d_work.data() - base;

    // 6. payload; with block pilots the pilot symbol's phase against the LTS refines the CFO
    const long ps = T + 2 * N + d_fmt.header_len();
    r.frame.assign(w + ps, w + ps + g.frame_len());
    if (g.block_pilots) {
        fft(w + ps + cp, Y.data());
        cd D = 0;
        double ep = 0, eh = 0;
        for (size_t i = 0; i < bins.size(); i++) {
            const gr_complex hp = Y[bins[i]] / g.pilot_values[i];
            D += cd(hp * std::conj(H[bins[i]]));
            ep += std::norm(hp);
            eh += std::norm(H[bins[i]]);
        }
        const double dist = double(ps + cp - T);
        const double eps2 = std::arg(D) * N / (2 * M_PI * dist);
        if (std::abs(D) > 0.3 * std::sqrt(ep * eh)) { // only when the two estimates agree in shape
            correct(r.frame.data(), long(r.frame.size()), eps2, cp, r.frame.data());
            eps += eps2;
        }
    }
    r.cfo = float(eps);
    r.start = T - 2 * cp - sym;
    r.payload = ps;
    r.failure.clear();
    return true;
}

} // namespace semdiff
} // namespace gr
