#include "frame_block.h"
#include <algorithm>
#include <cmath>

namespace gr {
namespace semdiff {

static const pmt::pmt_t FRAME_ID = pmt::mp("frame_id");
static const pmt::pmt_t DROPS = pmt::mp("drops");

void frame_block::setup_frames(const std::string& len_tag_key, int in_len, int out_len)
{
    d_len_key = pmt::mp(len_tag_key);
    d_in_len = in_len;
    d_out_len = out_len;
    set_tag_propagation_policy(TPP_DONT);
    message_port_register_out(DROPS);
    set_min_noutput_items(out_len);
    // room for at least two frames so the scheduler never starves us of output space
    set_min_output_buffer(0, 2 * out_len);
    for (const char* k : { "frames_in", "frames_out", "dropped_missing_tag", "dropped_bad_length",
                           "dropped_nonfinite", "dropped_processing" })
        d_stats[k] = 0;
}

std::map<std::string, uint64_t> frame_block::frame_stats() const
{
    std::lock_guard<std::mutex> lock(d_stats_mutex);
    return d_stats;
}

void frame_block::count(const std::string& what, uint64_t n)
{
    std::lock_guard<std::mutex> lock(d_stats_mutex);
    d_stats[what] += n;
}

void frame_block::report_drop(const std::vector<tag_t>& first,
                              const std::string& reason,
                              const std::string& detail)
{
    pmt::pmt_t meta = pmt::make_dict();
    for (const auto& t : first)
        if (pmt::eqv(t.key, FRAME_ID) && pmt::is_integer(t.value))
            meta = pmt::dict_add(meta, FRAME_ID, t.value);
    meta = pmt::dict_add(meta, pmt::mp("dropped"), pmt::mp(reason));
    meta = pmt::dict_add(meta, pmt::mp("detail"), pmt::mp(detail));
    meta = pmt::dict_add(meta, pmt::mp("block"), pmt::mp(name()));
    message_port_pub(DROPS, pmt::cons(meta, pmt::make_u8vector(0, 0)));
}

std::string frame_block::frame_name(const std::vector<tag_t>& tags) const
{
    for (const auto& t : tags)
        if (pmt::eqv(t.key, FRAME_ID))
            return "frame_id " + pmt::write_string(t.value);
    return "frame at item " + (tags.empty() ? std::string("?") : std::to_string(tags[0].offset));
}

void frame_block::forecast(int, gr_vector_int& ninput_items_required)
{
    ninput_items_required[0] = d_skip > 0 ? 1 : d_in_len;
}

int frame_block::general_work(int noutput_items,
                              gr_vector_int& ninput_items,
                              gr_vector_const_void_star& input_items,
                              gr_vector_void_star& output_items)
{
    const auto* in = static_cast<const gr_complex*>(input_items[0]);
    auto* out = static_cast<gr_complex*>(output_items[0]);
    const int n_in = ninput_items[0];
    int consumed = 0, produced = 0;
    std::vector<tag_t> tags;

    while (consumed < n_in) {
        const uint64_t pos = nitems_read(0) + consumed;
        const int avail = n_in - consumed;
        if (d_skip > 0) {
            // discard the rest of a dropped frame, but stop at the next length tag (resync); the
            // search starts at the current item unless that is the dropped frame's own tag, so a
            // tag on the first item of a new input window is found too
            const uint64_t from = std::max<uint64_t>(pos, d_skip_tag + 1);
            get_tags_in_range(tags, 0, from, pos + std::min<uint64_t>(avail, d_skip), d_len_key);
            const uint64_t n = tags.empty() ? std::min<uint64_t>(avail, d_skip) : tags[0].offset - pos;
            consumed += int(n);
            d_skip = tags.empty() ? d_skip - n : 0;
            continue;
        }
        get_tags_in_range(tags, 0, pos, pos + 1, d_len_key);
        if (tags.empty() || !pmt::is_integer(tags[0].value)) {
            get_tags_in_range(tags, 0, pos + 1, pos + avail, d_len_key);
            const int skip = tags.empty() ? avail : int(tags[0].offset - pos);
            if (!d_in_gap) {
                d_logger->warn("samples at item {} carry no integer length tag '{}': dropped up to "
                               "the next tagged frame", pos, pmt::symbol_to_string(d_len_key));
                count("dropped_missing_tag");
            }
            d_in_gap = tags.empty();
            consumed += skip;
            continue;
        }
        d_in_gap = false;
        const long len = pmt::to_long(tags[0].value);
        std::vector<tag_t> first;
        get_tags_in_range(first, 0, pos, pos + 1);
        if (len != d_in_len) {
            count("frames_in");
            count("dropped_bad_length");
            d_logger->warn("{}: packet_len {} but this block expects {}: dropped",
                           frame_name(first), len, d_in_len);
            report_drop(first, "bad_length", "packet_len " + std::to_string(len));
            d_skip = std::max<long>(len, 1);
            d_skip_tag = pos;
            continue;
        }
        if (avail < d_in_len || noutput_items - produced < d_out_len)
            break; // wait for the whole frame / output room
        count("frames_in");
        // a frame cut short by the next frame's tag: drop it, deliver the next one
        get_tags_in_range(tags, 0, pos + 1, pos + d_in_len, d_len_key);
        if (!tags.empty()) {
            const uint64_t got = tags[0].offset - pos;
            count("dropped_bad_length");
            d_logger->warn("{}: only {} of {} items before the next frame's tag: dropped",
                           frame_name(first), got, d_in_len);
            report_drop(first, "bad_length", "cut short at " + std::to_string(got) + " items");
            consumed += int(got);
            continue;
        }
        const gr_complex* f = in + consumed;
        const bool finite = std::all_of(f, f + d_in_len, [](const gr_complex& c) {
            return std::isfinite(c.real()) && std::isfinite(c.imag());
        });
        std::string reason = "nonfinite";
        std::vector<std::pair<pmt::pmt_t, pmt::pmt_t>> meta;
        d_first = first;
        d_last_item_tags.clear();
        if (finite)
            reason = process_frame(f, out + produced, meta);
        if (!reason.empty()) {
            count("dropped_" + reason);
            d_logger->warn("{}: dropped ({})", frame_name(first), reason);
            report_drop(first, reason, "");
        } else {
            const uint64_t opos = nitems_written(0) + produced;
            add_item_tag(0, opos, d_len_key, pmt::from_long(d_out_len));
            for (const auto& t : first)
                if (!pmt::eqv(t.key, d_len_key))
                    add_item_tag(0, opos, t.key, t.value, t.srcid);
            for (const auto& kv : meta)
                add_item_tag(0, opos, kv.first, kv.second);
            for (const auto& kv : d_last_item_tags)
                add_item_tag(0, opos + d_out_len - 1, kv.first, kv.second);
            produced += d_out_len;
            count("frames_out");
        }
        consumed += d_in_len;
    }
    consume(0, consumed);
    return produced;
}

} // namespace semdiff
} // namespace gr
