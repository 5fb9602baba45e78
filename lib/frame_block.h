/* gr-semdiff: the frame discipline shared by every stream-rate block.
 *
 * Frames are length-tagged (packet_len) runs of complex samples with a frame_id tag on their first
 * item. frame_block reads them itself instead of deriving from gr::tagged_stream_block, because
 * that class throws (and stops the flowgraph) on a missing length tag. Here a bad frame — missing
 * or non-integer length tag, wrong length, NaN/Inf samples — is logged, counted by reason and
 * dropped, and the block resynchronises on the next length tag. Tags on a frame's first item
 * (frame_id and any metadata) travel to the output frame's first item. Every dropped frame (one
 * that had a length tag) is also published on the message port "drops" as a drop report — a PDU
 * with an empty u8vector and metadata {frame_id, dropped, detail, block} — so an image_sink
 * connected to it accounts for frames lost on the stream side (the frame-accounting contract).
 */
#ifndef INCLUDED_SEMDIFF_FRAME_BLOCK_H
#define INCLUDED_SEMDIFF_FRAME_BLOCK_H

#include <gnuradio/block.h>
#include <map>
#include <mutex>
#include <string>

namespace gr {
namespace semdiff {

class frame_block : virtual public gr::block
{
public:
    std::map<std::string, uint64_t> frame_stats() const;

protected:
    //! Must be called from the most-derived constructor (after gr::block is constructed).
    void setup_frames(const std::string& len_tag_key, int in_len, int out_len);
    /*!
     * Process one frame of in_len samples into out_len samples. Add metadata to out_tags (key,value;
     * offsets are filled in). Return an empty string, or a drop reason (the frame is then counted
     * under "dropped_<reason>" and nothing is produced).
     */
    virtual std::string process_frame(const gr_complex* in,
                                      gr_complex* out,
                                      std::vector<std::pair<pmt::pmt_t, pmt::pmt_t>>& out_tags) = 0;

    //! The current frame's tags on its first item (valid inside process_frame).
    const std::vector<tag_t>& frame_tags() const { return d_first; }
    //! Tags process_frame wants on the output frame's last item (e.g. tx_eob); cleared per frame.
    std::vector<std::pair<pmt::pmt_t, pmt::pmt_t>> d_last_item_tags;

    void forecast(int noutput_items, gr_vector_int& ninput_items_required) override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

private:
    void report_drop(const std::vector<tag_t>& first, const std::string& reason, const std::string& detail);
    pmt::pmt_t d_len_key;
    int d_in_len = 0, d_out_len = 0;
    uint64_t d_skip = 0;         //!< samples of a dropped frame still to discard
    uint64_t d_skip_tag = 0;     //!< offset of the dropped frame's own length tag
    bool d_in_gap = false;       //!< inside a run of untagged samples (counted once)
    std::vector<tag_t> d_first;  //!< tags on the current frame's first item
    mutable std::mutex d_stats_mutex;
    std::map<std::string, uint64_t> d_stats;
    void count(const std::string& what, uint64_t n = 1);
    std::string frame_name(const std::vector<tag_t>& tags) const;
};

} // namespace semdiff
} // namespace gr
#endif
