/* gr-semdiff: OFDM framer: k data symbols -> pilots + resource grid + IFFT + cyclic prefix. */
#ifndef INCLUDED_SEMDIFF_OFDM_FRAMER_H
#define INCLUDED_SEMDIFF_OFDM_FRAMER_H

#include <gnuradio/block.h>
#include <gnuradio/semdiff/api.h>
#include <gnuradio/semdiff/grid_spec.h>
#include <map>
#include <string>

namespace gr {
namespace semdiff {

/*!
 * \brief OFDM framer: k data symbols -> pilots + resource grid + IFFT + cyclic prefix.
 * \ingroup semdiff
 *
 * Input: frames of grid.k complex symbols (packet_len tagged). Output: frames of grid.frame_len()
 * samples, unitary IFFT, pilots as in grid (block or comb). Same maths as the torch core's
 * OFDMModem (python/semdiff/phy/ofdm.py).
 */
class SEMDIFF_API ofdm_framer : virtual public gr::block
{
public:
    typedef std::shared_ptr<ofdm_framer> sptr;
    static sptr make(const grid_spec& grid, const std::string& len_tag_key = "packet_len");
    //! Frame counters: frames_in, frames_out, dropped_<reason>.
    virtual std::map<std::string, uint64_t> stats() const = 0;
};

} // namespace semdiff
} // namespace gr

#endif
