/* gr-semdiff: OFDM deframer: CP removal, FFT, LS/LMMSE estimation, ZF/MMSE equalization. */
#ifndef INCLUDED_SEMDIFF_OFDM_DEFRAMER_H
#define INCLUDED_SEMDIFF_OFDM_DEFRAMER_H

#include <gnuradio/block.h>
#include <gnuradio/semdiff/api.h>
#include <gnuradio/semdiff/grid_spec.h>
#include <map>
#include <string>

namespace gr {
namespace semdiff {

/*!
 * \brief OFDM deframer: CP removal, FFT, LS/LMMSE estimation, ZF/MMSE equalization.
 * \ingroup semdiff
 *
 * Input: frames of grid.frame_len() samples. Output: frames of grid.k data symbols (equalized, or the
 * raw data REs when estimator == "none", for blind decoding), with per-frame CSI tags on the first
 * item: noise_var, snr_db (10 log10 1/noise_var) and h_est (c32vector, n_data_symbols x data
 * carriers). frame_id and other first-item tags pass through.
 */
class SEMDIFF_API ofdm_deframer : virtual public gr::block
{
public:
    typedef std::shared_ptr<ofdm_deframer> sptr;
    static sptr make(const grid_spec& grid, const std::string& estimator = "lmmse", const std::string& equalizer = "mmse", const std::vector<float>& pdp = std::vector<float>{ 1.0f }, float known_noise_var = 0.0f, const std::string& len_tag_key = "packet_len");
    //! Frame counters: frames_in, frames_out, dropped_<reason>.
    virtual std::map<std::string, uint64_t> stats() const = 0;
};

} // namespace semdiff
} // namespace gr

#endif
