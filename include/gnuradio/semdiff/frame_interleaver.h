/* gr-semdiff: Per-frame symbol permutation (interleaver or deinterleaver). */
#ifndef INCLUDED_SEMDIFF_FRAME_INTERLEAVER_H
#define INCLUDED_SEMDIFF_FRAME_INTERLEAVER_H

#include <gnuradio/block.h>
#include <gnuradio/semdiff/api.h>
#include <gnuradio/semdiff/grid_spec.h>
#include <map>
#include <string>

namespace gr {
namespace semdiff {

/*!
 * \brief Per-frame symbol permutation (interleaver or deinterleaver).
 * \ingroup semdiff
 *
 * out[i] = in[perm[i]] (interleave) or out[perm[i]] = in[i] (deinterleave) for every frame of
 * perm.size() symbols (python/semdiff/phy/interleaver.py).
 */
class SEMDIFF_API frame_interleaver : virtual public gr::block
{
public:
    typedef std::shared_ptr<frame_interleaver> sptr;
    static sptr make(const std::vector<int>& perm, bool deinterleave, const std::string& len_tag_key = "packet_len");
    //! Frame counters: frames_in, frames_out, dropped_<reason>.
    virtual std::map<std::string, uint64_t> stats() const = 0;
};

} // namespace semdiff
} // namespace gr

#endif
