/* gr-semdiff: thin block wrapper over burst_sync (RX front end): stream in, tagged frames out. */
#include "sync/burst_sync.h"
#include <gnuradio/io_signature.h>
#include <gnuradio/semdiff/ofdm_sync.h>
#include <mutex>

namespace gr {
namespace semdiff {

class ofdm_sync_impl : public ofdm_sync
{
    burst_sync d_sync;
    burst_result d_r;
    const int d_frame_len;
    const pmt::pmt_t d_len_key, k_drops = pmt::mp("drops"), k_frames = pmt::mp("frames");
    long d_first_id;
    int64_t d_last_id = -1;
    uint64_t d_failed_since = 0; //!< preambles with a bad header since the last good one
    mutable std::mutex d_mutex;
    std::map<std::string, uint64_t> d_stats;

    void count(const std::string& k, uint64_t n = 1)
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_stats[k] += n;
    }

    void report(int64_t id, const std::string& reason, const std::string& detail)
    {
        pmt::pmt_t m = pmt::make_dict();
        m = pmt::dict_add(m, pmt::mp("frame_id"), pmt::from_long(id));
        m = pmt::dict_add(m, pmt::mp("dropped"), pmt::mp(reason));
        m = pmt::dict_add(m, pmt::mp("detail"), pmt::mp(detail));
        m = pmt::dict_add(m, pmt::mp("block"), pmt::mp(name()));
        message_port_pub(k_drops, pmt::cons(m, pmt::make_u8vector(0, 0)));
    }

    //! Full frame id from the header's 24 bits; reports skipped ids. -1: a duplicate.
    int64_t unwrap(uint32_t h)
    {
        const int64_t M = air_format::FRAME_ID_MOD;
        int64_t id = h, from = d_first_id;
        if (d_last_id >= 0) {
            const int64_t delta = ((int64_t(h) - d_last_id) % M + M) % M;
            if (delta == 0)
                return -1;
            if (delta < M / 2)
                id = d_last_id + delta, from = d_last_id + 1;
            else
                from = id; // behind the last id: the transmitter restarted; nothing to report
        }
        if (from >= 0 && id - from > 100000) {
            d_logger->warn("frame_id jumps from {} to {}: not reporting {} frames as lost", from - 1, id, id - from);
            from = id;
        }
        const std::string detail = std::to_string(d_failed_since) + " bad headers before frame " + std::to_string(id);
        for (int64_t i = std::max<int64_t>(from, 0); i < id; i++) {
            report(i, "lost", detail);
            count("lost");
        }
        d_failed_since = 0;
        d_last_id = id;
        return id;
    }

    //! Where each received burst lies in the input stream (e.g. for a recording's annotations).
    void announce(int64_t id, uint64_t at)
    {
        pmt::pmt_t m = pmt::make_dict();
        m = pmt::dict_add(m, pmt::mp("frame_id"), pmt::from_long(id));
        m = pmt::dict_add(m, pmt::mp("timing"), pmt::from_uint64(at));
        m = pmt::dict_add(m, pmt::mp("burst_len"), pmt::from_long(d_sync.format().burst_len()));
        m = pmt::dict_add(m, pmt::mp("cfo"), pmt::from_double(d_r.cfo));
        m = pmt::dict_add(m, pmt::mp("sync_snr_db"), pmt::from_double(d_r.snr_db));
        message_port_pub(k_frames, m);
    }

public:
    ofdm_sync_impl(const grid_spec& grid, float thr, int taps, long first_id, const std::string& key)
        : gr::block("ofdm_sync",
                    io_signature::make(1, 1, sizeof(gr_complex)),
                    io_signature::make(1, 1, sizeof(gr_complex))),
          d_sync(grid, thr, taps),
          d_frame_len(grid.frame_len()),
          d_len_key(pmt::mp(key)),
          d_first_id(first_id)
    {
        set_tag_propagation_policy(TPP_DONT);
        set_output_multiple(d_frame_len);
        message_port_register_out(k_drops);
        message_port_register_out(k_frames);
        for (const char* k : { "bursts_detected", "frames_out", "failed_no_preamble", "failed_header_crc",
                               "lost", "duplicate", "header_mismatch" })
            d_stats[k] = 0;
    }
    std::map<std::string, uint64_t> stats() const override
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        return d_stats;
    }
    long lookahead() const override { return d_sync.lookahead(); }

    void forecast(int, gr_vector_int& req) override { req[0] = int(d_sync.lookahead()) + 1; }

    int general_work(int noutput_items, gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items, gr_vector_void_star& output_items) override
    {
        const auto* in = static_cast<const gr_complex*>(input_items[0]);
        auto* out = static_cast<gr_complex*>(output_items[0]);
        const long n = ninput_items[0];
        const auto& g = d_sync.format().grid();
        long pos = 0;
        int produced = 0;
        while (noutput_items - produced >= d_frame_len) {
            const long d = d_sync.detect(in, n, pos);
            if (d < 0) {
                pos = std::max(pos, n - d_sync.lookahead());
                break;
            }
            count("bursts_detected");
            if (!d_sync.acquire(in, n, d, d_r)) {
                count("failed_" + d_r.failure);
                if (d_r.failure == "header_crc")
                    d_failed_since++;
                pos = d + g.cp_len / 2; // a little further: a real plateau after a false start is still found
                continue;
            }
            pos = d_r.payload + d_frame_len;
            const auto& h = d_r.header;
            const int64_t id = unwrap(h.frame_id);
            if (id < 0) { // the same frame id again (a repeated burst): already accounted for once
                count("duplicate");
                continue;
            }
            if (h.k != g.k || h.layout != (g.block_pilots ? 0 : 1)) {
                // a frame for another receiver configuration: accounted for as a drop, not decoded
                count("header_mismatch");
                report(id, "header_mismatch", "k=" + std::to_string(h.k) + " layout=" + std::to_string(h.layout) +
                       " for a receiver of k=" + std::to_string(g.k));
                continue;
            }
            std::copy(d_r.frame.begin(), d_r.frame.end(), out + produced);
            const uint64_t o = nitems_written(0) + produced;
            add_item_tag(0, o, d_len_key, pmt::from_long(d_frame_len));
            add_item_tag(0, o, pmt::mp("frame_id"), pmt::from_long(id));
            add_item_tag(0, o, pmt::mp("k"), pmt::from_long(h.k));
            add_item_tag(0, o, pmt::mp("codec_id"), pmt::from_long(h.codec));
            add_item_tag(0, o, pmt::mp("pilot_layout"), pmt::from_long(h.layout));
            add_item_tag(0, o, pmt::mp("flags"), pmt::from_long(h.flags));
            add_item_tag(0, o, pmt::mp("cfo"), pmt::from_double(d_r.cfo));
            add_item_tag(0, o, pmt::mp("timing"), pmt::from_uint64(nitems_read(0) + d_r.start));
            add_item_tag(0, o, pmt::mp("sync_snr_db"), pmt::from_double(d_r.snr_db));
            add_item_tag(0, o, pmt::mp("sync_noise_var"), pmt::from_double(d_r.noise_var));
            produced += d_frame_len;
            count("frames_out");
            announce(id, nitems_read(0) + d_r.start);
        }
        consume(0, std::min(pos, n));
        return produced;
    }
};

ofdm_sync::sptr ofdm_sync::make(const grid_spec& grid, float thr, int taps, long first_id, const std::string& key)
{
    return gnuradio::make_block_sptr<ofdm_sync_impl>(grid, thr, taps, first_id, key);
}

} // namespace semdiff
} // namespace gr
