/* gr-semdiff: OFDM receiver DSP as a plain class — CP removal, FFT, LS/LMMSE channel estimation,
 * noise-variance estimation, ZF/MMSE equalization.
 *
 * Same maths as python/semdiff/phy/estimation.py (see its docstring for the formulas):
 *   LMMSE  Ĥ_a = F_a (σ² D⁻¹ + F_pᴴF_p)⁻¹ F_pᴴ Ĥ_LS,p    (an L×L solve per estimate)
 *   noise  σ̂² = ‖(I − F_pF_p⁺) Ĥ_LS‖² / (n_est (N_p − L))
 */
#ifndef INCLUDED_SEMDIFF_OFDM_RECEIVER_H
#define INCLUDED_SEMDIFF_OFDM_RECEIVER_H

#include "fftw_batch.h"
#include <gnuradio/semdiff/grid_spec.h>
#include <Eigen/Dense>
#include <string>
#include <vector>

namespace gr {
namespace semdiff {

struct frame_csi {
    float noise_var = 0;
    float snr_db = 0;
    std::vector<gr_complex> h_est; //!< n_data_symbols x data_carriers (row major)
};

class ofdm_receiver
{
public:
    /*!
     * \param estimator "ls", "lmmse" or "none" (no estimate: raw data REs out)
     * \param equalizer "zf" or "mmse"
     * \param pdp power-delay profile assumed by LMMSE and the noise estimator (L = size)
     * \param known_noise_var > 0: use it instead of estimating σ²
     */
    ofdm_receiver(const grid_spec& grid,
                  const std::string& estimator,
                  const std::string& equalizer,
                  const std::vector<float>& pdp,
                  float known_noise_var);
    //! in: frame_len samples; out: k symbols (equalized, or raw if estimator == "none").
    void process(const gr_complex* in, gr_complex* out, frame_csi& csi);
    const grid_spec& grid() const { return d_g; }

private:
    using cmat = Eigen::MatrixXcf;
    grid_spec d_g;
    bool d_lmmse, d_none, d_mmse;
    float d_known_nv;
    std::vector<int> d_data_bins, d_est_bins, d_data_in_pilots, d_lo, d_hi;
    std::vector<float> d_w;
    Eigen::VectorXf d_inv_pdp;
    cmat d_Fp, d_Fa, d_G, d_Fp_pinv, d_hls, d_H;
    fftw_batch d_fft;

    float estimate_noise() const;
};

} // namespace semdiff
} // namespace gr
#endif
