/* gr-semdiff: channel simulator block (block fading per frame + AWGN). */
#include "frame_block.h"
#include <gnuradio/io_signature.h>
#include <gnuradio/semdiff/multipath_channel.h>
#include <atomic>
#include <cmath>
#include <random>
#include <stdexcept>

namespace gr {
namespace semdiff {

class multipath_channel_impl : public multipath_channel, public frame_block
{
    const int d_len;
    const std::string d_kind;
    std::vector<float> d_pdp;
    std::atomic<float> d_snr_db;
    std::mt19937_64 d_rng;
    std::normal_distribution<float> d_n{ 0.0f, 1.0f };
    std::vector<gr_complex> d_taps;
    const pmt::pmt_t k_h = pmt::mp("h_true"), k_snr = pmt::mp("channel_snr_db");

    gr_complex cn(float var) // CN(0, var)
    {
        const float s = std::sqrt(var / 2);
        return { s * d_n(d_rng), s * d_n(d_rng) };
    }

public:
    multipath_channel_impl(int frame_len, const std::string& kind, int n_taps, float decay,
                           float snr_db, unsigned seed, const std::string& key)
        : gr::block("multipath_channel",
                    io_signature::make(1, 1, sizeof(gr_complex)),
                    io_signature::make(1, 1, sizeof(gr_complex))),
          d_len(frame_len), d_kind(kind), d_snr_db(checked_snr(snr_db)), d_rng(seed)
    {
        if (kind != "none" && kind != "awgn" && kind != "rayleigh" && kind != "multipath")
            throw std::invalid_argument("multipath_channel: kind must be none, awgn, rayleigh or "
                                        "multipath, got " + kind);
        if (frame_len <= 0)
            throw std::invalid_argument("multipath_channel: frame_len must be positive");
        const int L = kind == "multipath" ? n_taps : 1;
        if (L < 1 || !(decay > 0))
            throw std::invalid_argument("multipath_channel: n_taps must be >= 1 and decay > 0");
        double total = 0;
        for (int l = 0; l < L; l++)
            total += std::exp(-l / double(decay));
        for (int l = 0; l < L; l++)
            d_pdp.push_back(float(std::exp(-l / double(decay)) / total));
        d_taps.resize(L);
        setup_frames(key, frame_len, frame_len);
    }
    std::map<std::string, uint64_t> stats() const override { return frame_stats(); }
    void set_snr_db(float s) override { d_snr_db = checked_snr(s); }
    static float checked_snr(float s)
    {
        // NaN or ±inf would silently drop (NaN) or bypass (inf) every frame
        if (!std::isfinite(s) || s < -50 || s > 200)
            throw std::invalid_argument("multipath_channel: snr_db must be finite in [-50, 200] dB, got " +
                                        std::to_string(s));
        return s;
    }
    float snr_db() const override { return d_snr_db; }

    std::string process_frame(const gr_complex* in, gr_complex* out,
                              std::vector<std::pair<pmt::pmt_t, pmt::pmt_t>>& meta) override
    {
        const int L = int(d_taps.size());
        for (int l = 0; l < L; l++)
            d_taps[l] = (d_kind == "none" || d_kind == "awgn") ? gr_complex(1, 0) : cn(d_pdp[l]);
        for (int n = 0; n < d_len; n++) {
            gr_complex acc = 0;
            for (int l = 0; l < L && l <= n; l++)
                acc += d_taps[l] * in[n - l];
            out[n] = acc;
        }
        const float snr = d_snr_db;
        if (d_kind != "none") {
            const float nv = std::pow(10.0f, -snr / 10.0f);
            for (int n = 0; n < d_len; n++)
                out[n] += cn(nv);
        }
        meta.emplace_back(k_h, pmt::init_c32vector(d_taps.size(), d_taps));
        meta.emplace_back(k_snr, pmt::from_double(snr));
        return "";
    }
};

multipath_channel::sptr multipath_channel::make(int frame_len, const std::string& kind, int n_taps,
                                                float decay, float snr_db, unsigned seed,
                                                const std::string& key)
{
    return gnuradio::make_block_sptr<multipath_channel_impl>(frame_len, kind, n_taps, decay, snr_db,
                                                             seed, key);
}

} // namespace semdiff
} // namespace gr
