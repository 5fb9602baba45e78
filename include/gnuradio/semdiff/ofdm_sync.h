/* gr-semdiff: OFDM burst receiver front end — finds air_framer bursts in an untagged stream. */
#ifndef INCLUDED_SEMDIFF_OFDM_SYNC_H
#define INCLUDED_SEMDIFF_OFDM_SYNC_H

#include <gnuradio/block.h>
#include <gnuradio/semdiff/api.h>
#include <gnuradio/semdiff/grid_spec.h>
#include <map>
#include <string>

namespace gr {
namespace semdiff {

/*!
 * \brief Frame detection, timing, CFO (fractional + integer) and header decoding for air_framer bursts.
 * \ingroup semdiff
 *
 * Input: an untagged complex stream (a radio, a capture, a channel model). Output: the payload of each
 * burst whose header passes its CRC — grid.frame_len() CFO-corrected samples, aligned for
 * ofdm_deframer, tagged packet_len, frame_id (unwrapped from the header's 16 bits), k, codec_id,
 * pilot_layout, flags, cfo (subcarrier spacings), timing (stream index of the burst), sync_snr_db and
 * sync_noise_var (from the two LTS copies). Frame ids the header sequence skips (lost or failed
 * headers) are published on "drops" as drop reports (reason "lost"; a frame whose header announces another
 * k or pilot layout: "header_mismatch"), counting from first_frame_id
 * (-1: from the first header received); every burst received is announced on "frames" ({frame_id,
 * timing, burst_len, cfo, sync_snr_db}: e.g. for a recording's annotations). A burst is found only once lookahead() samples past its
 * detection are in: a capture should continue N + 2·CP samples after its last burst (air_framer's
 * automatic gap leaves twice that).
 */
class SEMDIFF_API ofdm_sync : virtual public gr::block
{
public:
    typedef std::shared_ptr<ofdm_sync> sptr;
    static sptr make(const grid_spec& grid,
                     float threshold = 0.25f,
                     int channel_taps = 8,
                     long first_frame_id = 0,
                     const std::string& len_tag_key = "packet_len");
    //! bursts_detected, frames_out, failed_<reason>, lost, duplicate, header_mismatch
    virtual std::map<std::string, uint64_t> stats() const = 0;
    virtual long lookahead() const = 0;
};

} // namespace semdiff
} // namespace gr
#endif
