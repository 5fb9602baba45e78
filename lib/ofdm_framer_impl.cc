/* gr-semdiff: thin block wrapper over ofdm_modulator. */
#include "frame_block.h"
#include "ofdm_modulator.h"
#include <gnuradio/io_signature.h>
#include <gnuradio/semdiff/ofdm_framer.h>

namespace gr {
namespace semdiff {

class ofdm_framer_impl : public ofdm_framer, public frame_block
{
    ofdm_modulator d_mod;

public:
    ofdm_framer_impl(const grid_spec& grid, const std::string& key)
        : gr::block("ofdm_framer",
                    io_signature::make(1, 1, sizeof(gr_complex)),
                    io_signature::make(1, 1, sizeof(gr_complex))),
          d_mod(grid)
    {
        setup_frames(key, grid.k, grid.frame_len());
    }
    std::map<std::string, uint64_t> stats() const override { return frame_stats(); }
    std::string process_frame(const gr_complex* in,
                              gr_complex* out,
                              std::vector<std::pair<pmt::pmt_t, pmt::pmt_t>>&) override
    {
        d_mod.modulate(in, out);
        return "";
    }
};

ofdm_framer::sptr ofdm_framer::make(const grid_spec& grid, const std::string& key)
{
    return gnuradio::make_block_sptr<ofdm_framer_impl>(grid, key);
}

} // namespace semdiff
} // namespace gr
