/* gr-semdiff: thin block wrapper over air_format (TX side). */
#include "frame_block.h"
#include "sync/air_format.h"
#include <gnuradio/io_signature.h>
#include <gnuradio/semdiff/air_framer.h>
#include <stdexcept>

namespace gr {
namespace semdiff {

class air_framer_impl : public air_framer, public frame_block
{
    air_format d_fmt;
    air_header d_hdr;
    const int d_gap;
    uint64_t d_count = 0;
    const pmt::pmt_t k_fid = pmt::mp("frame_id");

public:
    air_framer_impl(const grid_spec& grid, int codec_id, int gap, int flags, const std::string& key)
        : gr::block("air_framer",
                    io_signature::make(1, 1, sizeof(gr_complex)),
                    io_signature::make(1, 1, sizeof(gr_complex))),
          d_fmt(grid),
          d_gap(gap == -1 ? 2 * grid.fft_len + 4 * grid.cp_len : gap)
    {
        if (codec_id < 0 || codec_id > 63)
            throw std::invalid_argument("air_framer: codec_id must be in 0 … 63, got " + std::to_string(codec_id));
        if (flags < 0 || flags > 15)
            throw std::invalid_argument("air_framer: flags must be in 0 … 15, got " + std::to_string(flags));
        if (gap < -1)
            throw std::invalid_argument("air_framer: gap must be >= 0 (or -1: auto), got " + std::to_string(gap));
        if (grid.k > 4095)
            throw std::invalid_argument("air_framer: the header carries k in 12 bits; k = " +
                                        std::to_string(grid.k) + " is too large");
        d_hdr.k = grid.k;
        d_hdr.codec = codec_id;
        d_hdr.layout = grid.block_pilots ? 0 : 1;
        d_hdr.flags = flags;
        setup_frames(key, grid.frame_len(), d_fmt.burst_len() + d_gap);
    }
    int burst_len() const override { return d_fmt.burst_len(); }
    std::map<std::string, uint64_t> stats() const override { return frame_stats(); }

    std::string process_frame(const gr_complex* in,
                              gr_complex* out,
                              std::vector<std::pair<pmt::pmt_t, pmt::pmt_t>>& meta) override
    {
        d_hdr.frame_id = uint32_t(d_count % air_format::FRAME_ID_MOD);
        for (const auto& t : frame_tags())
            if (pmt::eqv(t.key, k_fid) && pmt::is_integer(t.value))
                d_hdr.frame_id = uint32_t(uint64_t(pmt::to_long(t.value)) % air_format::FRAME_ID_MOD);
        d_count++;
        const auto& sts = d_fmt.sts();
        const auto& lts = d_fmt.lts();
        gr_complex* o = std::copy(sts.begin(), sts.end(), out);
        o = std::copy(lts.begin(), lts.end(), o);
        d_fmt.modulate_header(d_hdr, o);
        o += d_fmt.header_len();
        o = std::copy(in, in + d_fmt.grid().frame_len(), o);
        std::fill(o, o + d_gap, gr_complex(0));
        meta.emplace_back(pmt::mp("tx_sob"), pmt::PMT_T);
        d_last_item_tags.emplace_back(pmt::mp("tx_eob"), pmt::PMT_T);
        return "";
    }
};

air_framer::sptr air_framer::make(const grid_spec& grid, int codec_id, int gap, int flags, const std::string& key)
{
    return gnuradio::make_block_sptr<air_framer_impl>(grid, codec_id, gap, flags, key);
}

} // namespace semdiff
} // namespace gr
