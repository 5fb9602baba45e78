/* gr-semdiff: thin block wrapper over papr_clip. */
#include "frame_block.h"
#include "papr_clip.h"
#include <gnuradio/io_signature.h>
#include <gnuradio/semdiff/papr_clipper.h>
#include <atomic>
#include <cmath>
#include <stdexcept>

namespace gr {
namespace semdiff {

static float checked_ratio(float r)
{
    if (!(r > 0))
        throw std::invalid_argument("papr_clipper: ratio must be > 0 (use inf for no clipping), got " +
                                    std::to_string(r));
    return r;
}

class papr_clipper_impl : public papr_clipper, public frame_block
{
    std::atomic<float> d_ratio;
    const int d_len;

public:
    papr_clipper_impl(int frame_len, float ratio, const std::string& key)
        : gr::block("papr_clipper",
                    io_signature::make(1, 1, sizeof(gr_complex)),
                    io_signature::make(1, 1, sizeof(gr_complex))),
          d_ratio(checked_ratio(ratio)),
          d_len(frame_len)
    {
        if (frame_len <= 0)
            throw std::invalid_argument("papr_clipper: frame_len must be positive");
        setup_frames(key, frame_len, frame_len);
    }
    std::map<std::string, uint64_t> stats() const override { return frame_stats(); }
    void set_ratio(float r) override { d_ratio = checked_ratio(r); }
    float ratio() const override { return d_ratio; }
    std::string process_frame(const gr_complex* in,
                              gr_complex* out,
                              std::vector<std::pair<pmt::pmt_t, pmt::pmt_t>>&) override
    {
        const float r = d_ratio;
        const int n = d_len;
        if (std::isinf(r))
            std::copy(in, in + n, out);
        else
            papr_clip(in, out, n, r);
        return "";
    }
};

papr_clipper::sptr papr_clipper::make(int frame_len, float ratio, const std::string& key)
{
    return gnuradio::make_block_sptr<papr_clipper_impl>(frame_len, ratio, key);
}

} // namespace semdiff
} // namespace gr
