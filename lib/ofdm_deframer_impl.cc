/* gr-semdiff: thin block wrapper over ofdm_receiver; CSI leaves as tags. */
#include "frame_block.h"
#include "ofdm_receiver.h"
#include <gnuradio/io_signature.h>
#include <gnuradio/semdiff/ofdm_deframer.h>
#include <cmath>

namespace gr {
namespace semdiff {

class ofdm_deframer_impl : public ofdm_deframer, public frame_block
{
    ofdm_receiver d_rx;
    frame_csi d_csi;
    const pmt::pmt_t k_nv = pmt::mp("noise_var"), k_snr = pmt::mp("snr_db"),
                     k_h = pmt::mp("h_est"), k_eq = pmt::mp("equalized");
    const bool d_equalized;
    const int d_frame_len, d_k;

public:
    ofdm_deframer_impl(const grid_spec& grid,
                       const std::string& est,
                       const std::string& eq,
                       const std::vector<float>& pdp,
                       float nv,
                       const std::string& key)
        : gr::block("ofdm_deframer",
                    io_signature::make(1, 1, sizeof(gr_complex)),
                    io_signature::make(1, 1, sizeof(gr_complex))),
          d_rx(grid, est, eq, pdp, nv),
          d_equalized(est != "none"),
          d_frame_len(grid.frame_len()),
          d_k(grid.k)
    {
        setup_frames(key, grid.frame_len(), grid.k);
    }
    std::map<std::string, uint64_t> stats() const override { return frame_stats(); }
    std::string process_frame(const gr_complex* in,
                              gr_complex* out,
                              std::vector<std::pair<pmt::pmt_t, pmt::pmt_t>>& meta) override
    {
        // a silent frame (all zeros, e.g. a gap recorded as a frame) has no channel to estimate:
        // its "CSI" would be a division by zero reported as 120 dB
        double energy = 0;
        for (int i = 0; i < d_frame_len; ++i)
            energy += std::norm(in[i]);
        if (!(energy > 1e-20 * d_frame_len))
            return "silent";
        d_rx.process(in, out, d_csi);
        if (!std::isfinite(d_csi.noise_var) || !std::isfinite(d_csi.snr_db))
            return "processing";
        for (int i = 0; i < d_k; ++i)
            if (!std::isfinite(out[i].real()) || !std::isfinite(out[i].imag()))
                return "nonfinite_output";
        meta.emplace_back(k_nv, pmt::from_double(d_csi.noise_var));
        meta.emplace_back(k_snr, pmt::from_double(d_csi.snr_db));
        meta.emplace_back(k_h, pmt::init_c32vector(d_csi.h_est.size(), d_csi.h_est));
        meta.emplace_back(k_eq, pmt::from_bool(d_equalized));
        return "";
    }
};

ofdm_deframer::sptr ofdm_deframer::make(const grid_spec& grid,
                                        const std::string& est,
                                        const std::string& eq,
                                        const std::vector<float>& pdp,
                                        float nv,
                                        const std::string& key)
{
    return gnuradio::make_block_sptr<ofdm_deframer_impl>(grid, est, eq, pdp, nv, key);
}

} // namespace semdiff
} // namespace gr
