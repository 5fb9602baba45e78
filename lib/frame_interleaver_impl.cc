/* gr-semdiff: per-frame permutation block. */
#include "frame_block.h"
#include <gnuradio/io_signature.h>
#include <gnuradio/semdiff/frame_interleaver.h>
#include <stdexcept>

namespace gr {
namespace semdiff {

class frame_interleaver_impl : public frame_interleaver, public frame_block
{
    std::vector<int> d_perm;
    bool d_inverse;

public:
    frame_interleaver_impl(const std::vector<int>& perm, bool inverse, const std::string& key)
        : gr::block(inverse ? "frame_deinterleaver" : "frame_interleaver",
                    io_signature::make(1, 1, sizeof(gr_complex)),
                    io_signature::make(1, 1, sizeof(gr_complex))),
          d_perm(perm),
          d_inverse(inverse)
    {
        std::vector<bool> seen(perm.size(), false);
        for (int p : perm) {
            if (p < 0 || p >= int(perm.size()) || seen[p])
                throw std::invalid_argument("frame_interleaver: perm is not a permutation of 0.." +
                                            std::to_string(perm.size() - 1));
            seen[p] = true;
        }
        if (perm.empty())
            throw std::invalid_argument("frame_interleaver: perm is empty");
        setup_frames(key, int(perm.size()), int(perm.size()));
    }
    std::map<std::string, uint64_t> stats() const override { return frame_stats(); }
    std::string process_frame(const gr_complex* in,
                              gr_complex* out,
                              std::vector<std::pair<pmt::pmt_t, pmt::pmt_t>>&) override
    {
        const size_t n = d_perm.size();
        if (d_inverse)
            for (size_t i = 0; i < n; i++)
                out[d_perm[i]] = in[i];
        else
            for (size_t i = 0; i < n; i++)
                out[i] = in[d_perm[i]];
        return "";
    }
};

frame_interleaver::sptr
frame_interleaver::make(const std::vector<int>& perm, bool inverse, const std::string& key)
{
    return gnuradio::make_block_sptr<frame_interleaver_impl>(perm, inverse, key);
}

} // namespace semdiff
} // namespace gr
