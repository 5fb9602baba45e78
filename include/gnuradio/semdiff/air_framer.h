/* gr-semdiff: air framer — preamble + coded header in front of each OFDM frame, burst tags for UHD. */
#ifndef INCLUDED_SEMDIFF_AIR_FRAMER_H
#define INCLUDED_SEMDIFF_AIR_FRAMER_H

#include <gnuradio/block.h>
#include <gnuradio/semdiff/api.h>
#include <gnuradio/semdiff/grid_spec.h>
#include <map>
#include <string>

namespace gr {
namespace semdiff {

/*!
 * \brief Makes a frame transmittable over the air: STS + LTS preamble and a CRC-checked, convolutionally
 * coded BPSK header (frame_id, k, codec id, pilot layout, flags) before it, `gap` zeros after it
 * (-1: 2·N + 4·CP, the margin ofdm_sync needs after a burst to acquire it — so the last burst of a
 * transmission is received even when nothing follows it).
 * \ingroup semdiff
 *
 * Input: frames of grid.frame_len() samples from ofdm_framer (or papr_clipper), packet_len tagged,
 * frame_id tag on the first item (else a running count). Output: bursts of burst_len() + gap samples,
 * packet_len tagged, with tx_sob on the first and tx_eob on the last item, so gr-uhd's usrp_sink can
 * send them as bursts (tag mode, or its length-tag mode with len_tag_key). Receive side: ofdm_sync.
 */
class SEMDIFF_API air_framer : virtual public gr::block
{
public:
    typedef std::shared_ptr<air_framer> sptr;
    static sptr make(const grid_spec& grid,
                     int codec_id = 0,
                     int gap = -1,
                     int flags = 0,
                     const std::string& len_tag_key = "packet_len");
    //! Samples of one burst without the gap: preamble + header + frame.
    virtual int burst_len() const = 0;
    virtual std::map<std::string, uint64_t> stats() const = 0;
};

} // namespace semdiff
} // namespace gr
#endif
