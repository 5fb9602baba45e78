#include "ofdm_receiver.h"
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gr {
namespace semdiff {

namespace {
Eigen::MatrixXcf delay_matrix(const std::vector<int>& carriers, int L, int N)
{
    Eigen::MatrixXcf F(carriers.size(), L);
    for (size_t i = 0; i < carriers.size(); i++)
        for (int l = 0; l < L; l++) {
            const double ph = -2.0 * M_PI * double(carriers[i]) * l / N;
            F(i, l) = gr_complex(float(std::cos(ph)), float(std::sin(ph)));
        }
    return F;
}
} // namespace

ofdm_receiver::ofdm_receiver(const grid_spec& grid,
                             const std::string& estimator,
                             const std::string& equalizer,
                             const std::vector<float>& pdp,
                             float known_noise_var)
    : d_g((grid.validate(), grid)),
      d_lmmse(estimator == "lmmse"),
      d_none(estimator == "none"),
      d_mmse(equalizer == "mmse"),
      d_known_nv(known_noise_var),
      d_fft(grid.fft_len, grid.n_symbols(), true)
{
    if (estimator != "ls" && estimator != "lmmse" && estimator != "none")
        throw std::invalid_argument("ofdm_receiver: estimator must be ls, lmmse or none, got " +
                                    estimator);
    if (equalizer != "zf" && equalizer != "mmse")
        throw std::invalid_argument("ofdm_receiver: equalizer must be zf or mmse, got " +
                                    equalizer);
    if (pdp.empty())
        throw std::invalid_argument("ofdm_receiver: pdp must have at least one tap");
    const auto& pc = d_g.estimation_carriers();
    const int L = int(pdp.size());
    if (!d_none && int(pc.size()) <= L)
        throw std::invalid_argument("ofdm_receiver: need more pilot carriers than channel taps");
    for (int c : d_g.data_carriers)
        d_data_bins.push_back(d_g.bin(c));
    for (int c : pc)
        d_est_bins.push_back(d_g.bin(c));
    d_inv_pdp.resize(L);
    for (int l = 0; l < L; l++) {
        if (!(pdp[l] > 0))
            throw std::invalid_argument("ofdm_receiver: pdp entries must be > 0");
        d_inv_pdp(l) = 1.0f / pdp[l];
    }
    d_Fp = delay_matrix(pc, L, d_g.fft_len);
    d_Fa = delay_matrix(d_g.data_carriers, L, d_g.fft_len);
    d_G = d_Fp.adjoint() * d_Fp;
    d_Fp_pinv = d_G.ldlt().solve(d_Fp.adjoint()); // full column rank: F⁺ = (FᴴF)⁻¹Fᴴ
    if (d_g.block_pilots) {
        for (int c : d_g.data_carriers)
            d_data_in_pilots.push_back(
                int(std::find(pc.begin(), pc.end(), c) - pc.begin()));
    } else {
        // linear interpolation over carrier index, clamped at the ends (estimation.py)
        for (int c : d_g.data_carriers) {
            auto it = std::lower_bound(pc.begin(), pc.end(), c);
            int hi = std::clamp(int(it - pc.begin()), 1, int(pc.size()) - 1);
            int lo = hi - 1;
            float w = float(c - pc[lo]) / float(pc[hi] - pc[lo]);
            d_lo.push_back(lo);
            d_hi.push_back(hi);
            d_w.push_back(std::clamp(w, 0.0f, 1.0f));
        }
    }
}

float ofdm_receiver::estimate_noise() const
{
    const cmat resid = d_hls - d_hls * d_Fp_pinv.transpose() * d_Fp.transpose();
    const int Np = int(d_Fp.rows()), L = int(d_Fp.cols());
    return resid.squaredNorm() / float(d_hls.rows() * (Np - L));
}

void ofdm_receiver::process(const gr_complex* in, gr_complex* out, frame_csi& csi)
{
    const int N = d_g.fft_len, cp = d_g.cp_len, S = d_g.n_symbols();
    const int s0 = d_g.n_pilot_only_symbols(), Sd = d_g.n_data_symbols();
    const int Nd = int(d_data_bins.size()), Np = int(d_est_bins.size());
    gr_complex* Y = d_fft.data();
    for (int s = 0; s < S; s++)
        std::copy(in + size_t(s) * (N + cp) + cp, in + size_t(s + 1) * (N + cp), Y + size_t(s) * N);
    d_fft.execute();
    const float sc = d_fft.scale();
    for (int i = 0; i < N * S; i++)
        Y[i] *= sc;

    d_H.resize(Sd, Nd);
    float nv = d_known_nv > 0 ? d_known_nv : 0.0f;
    if (d_none) {
        d_H.setOnes();
    } else {
        // LS on the pilot REs: rows are pilot symbols (block) or data symbols (comb)
        const int n_est = d_g.block_pilots ? d_g.n_pilot_symbols : Sd;
        const int first = d_g.block_pilots ? 0 : s0;
        d_hls.resize(n_est, Np);
        const gr_complex* pv = d_g.pilot_values.data();
        for (int r = 0; r < n_est; r++)
            for (int i = 0; i < Np; i++)
                d_hls(r, i) = Y[size_t(first + r) * N + d_est_bins[i]] / pv[size_t(r) * Np + i];
        if (d_known_nv <= 0)
            nv = estimate_noise();
        if (d_g.block_pilots) {
            const Eigen::RowVectorXcf avg = d_hls.colwise().mean();
            Eigen::RowVectorXcf h(Nd);
            if (d_lmmse) {
                cmat A = d_G;
                A.diagonal() += (d_inv_pdp * (nv / n_est)).cast<gr_complex>();
                const Eigen::VectorXcf taps = A.ldlt().solve(d_Fp.adjoint() * avg.transpose());
                h = (d_Fa * taps).transpose();
            } else {
                for (int j = 0; j < Nd; j++)
                    h(j) = avg(d_data_in_pilots[j]);
            }
            d_H = h.replicate(Sd, 1);
        } else if (d_lmmse) {
            cmat A = d_G;
            A.diagonal() += (d_inv_pdp * nv).cast<gr_complex>();
            const cmat taps = A.ldlt().solve(d_Fp.adjoint() * d_hls.transpose()); // L x Sd
            d_H = (d_Fa * taps).transpose();
        } else {
            for (int r = 0; r < Sd; r++)
                for (int j = 0; j < Nd; j++)
                    d_H(r, j) = d_hls(r, d_lo[j]) * (1.0f - d_w[j]) + d_hls(r, d_hi[j]) * d_w[j];
        }
    }

    int n = 0;
    for (int s = 0; s < Sd && n < d_g.k; s++) {
        const gr_complex* row = Y + size_t(s0 + s) * N;
        for (int j = 0; j < Nd && n < d_g.k; j++, n++) {
            const gr_complex y = row[d_data_bins[j]];
            const gr_complex h = d_H(s, j);
            if (d_none)
                out[n] = y;
            else if (d_mmse)
                out[n] = std::conj(h) * y / (std::norm(h) + nv);
            else
                out[n] = y / h;
        }
    }
    csi.noise_var = nv;
    csi.snr_db = 10.0f * std::log10(1.0f / std::max(nv, 1e-12f));
    csi.h_est.resize(size_t(Sd) * Nd);
    for (int s = 0; s < Sd; s++)
        for (int j = 0; j < Nd; j++)
            csi.h_est[size_t(s) * Nd + j] = d_H(s, j);
}

} // namespace semdiff
} // namespace gr
