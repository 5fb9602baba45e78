/* gr-semdiff: burst acquisition for air_format frames, as a plain class (no scheduler).
 *
 *   detect(): Schmidl & Cox timing metric M(d) = |P(d)|² / R(d)², P(d) = Σ r*[d+m] r[d+m+L],
 *             R(d) = Σ |r[d+m+L]|², L = N/2 (S&C eqs. (5)–(8)), as running sums; a detection is a run
 *             of `min_run` samples with M above `threshold`.
 *   acquire(): fractional CFO from ∠P on the plateau (ε_f = ∠P/π, S&C eq. (39)); integer CFO (even
 *             shifts) from the LTS spectrum's differential correlation with the known sequence
 *             (S&C eq. (41)); fine timing by cross-correlating both LTS copies, then the start of the
 *             L_ch-tap window that holds most of the channel impulse response estimated from the LTS
 *             — the window the deframer's LMMSE assumes; residual CFO and noise variance from the two
 *             LTS copies; the header decoded with the LTS channel estimate, smoothed by projecting it
 *             onto the channel's first L_ch taps (noise down by L_ch / used carriers); for block-pilot grids the
 *             drift between the LTS and the frame's pilot symbol refines the CFO once more.
 * Each burst is acquired on its own, so a sampling-clock offset only has to be tolerated across one
 * burst (50 ppm × 1000 samples = 0.05 sample).
 */
#ifndef INCLUDED_SEMDIFF_BURST_SYNC_H
#define INCLUDED_SEMDIFF_BURST_SYNC_H

#include "air_format.h"
#include "../fftw_batch.h"
#include <Eigen/Dense>
#include <string>

namespace gr {
namespace semdiff {

struct burst_result {
    long start = 0;         //!< index of the burst's first sample (STS CP) in the buffer
    long payload = 0;       //!< index of the payload's first sample
    float cfo = 0;          //!< total CFO in subcarrier spacings
    float noise_var = 0;    //!< per frequency bin, from the LTS copies
    float snr_db = 0;
    float lts_coherence = 0; //!< |<Y1,Y2>| / (|Y1||Y2|): ≈ SNR/(1+SNR) for a real preamble
    air_header header;
    std::string failure;    //!< empty: success; else "no_preamble" or "header_crc"
    std::vector<gr_complex> frame; //!< grid.frame_len() samples, CFO-corrected
};

class burst_sync
{
public:
    burst_sync(const grid_spec& grid, float threshold = 0.25f, int channel_taps = 8);
    const air_format& format() const { return d_fmt; }
    //! Samples needed from a detection index to the end of its burst (plus search margins).
    long lookahead() const;
    //! First detection index in [from, n - lookahead()), or -1.
    long detect(const gr_complex* buf, long n, long from);
    //! Acquire the burst detected at d (needs d + lookahead() <= n). Fills r; false on failure.
    bool acquire(const gr_complex* buf, long n, long d, burst_result& r);

private:
    air_format d_fmt;
    float d_thr;
    int d_L, d_taps, d_min_run;
    fftw_batch d_fft;
    std::vector<gr_complex> d_work, d_lts_t;
    Eigen::MatrixXcf d_proj; //!< used bins → span of the first channel_taps taps (LS smoothing of Ĥ)

    void fft(const gr_complex* in, gr_complex* out);
    void correct(const gr_complex* in, long n, double eps, long ref, gr_complex* out) const;
};

} // namespace semdiff
} // namespace gr
#endif
