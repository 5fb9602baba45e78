/* gr-semdiff: block-fading channel simulator for framed streams. */
#ifndef INCLUDED_SEMDIFF_MULTIPATH_CHANNEL_H
#define INCLUDED_SEMDIFF_MULTIPATH_CHANNEL_H

#include <gnuradio/block.h>
#include <gnuradio/semdiff/api.h>
#include <map>
#include <string>

namespace gr {
namespace semdiff {

/*!
 * \brief Per-frame channel: "none", "awgn", flat "rayleigh" or L-tap "multipath" Rayleigh with an
 * exponential PDP (σ_l² ∝ exp(-l/decay), unit total power), then AWGN at snr_db (Es/N0 with unit
 * signal power, σ² = 10^(-snr/10)). A new channel is drawn for every frame (block fading); the
 * convolution is truncated to the frame (frames are bursts). The true taps leave as the c32vector
 * tag "h_true" on the frame's first item. Same model as python/semdiff/phy/channels.py.
 * \ingroup semdiff
 */
class SEMDIFF_API multipath_channel : virtual public gr::block
{
public:
    typedef std::shared_ptr<multipath_channel> sptr;
    static sptr make(int frame_len,
                     const std::string& kind = "multipath",
                     int n_taps = 8,
                     float decay = 4.0f,
                     float snr_db = 20.0f,
                     unsigned seed = 0,
                     const std::string& len_tag_key = "packet_len");
    virtual std::map<std::string, uint64_t> stats() const = 0;
    virtual void set_snr_db(float snr_db) = 0;
    virtual float snr_db() const = 0;
};

} // namespace semdiff
} // namespace gr
#endif
