/* gr-semdiff: PAPR clipper: |s| <= ratio * sqrt(mean frame power). */
#ifndef INCLUDED_SEMDIFF_PAPR_CLIPPER_H
#define INCLUDED_SEMDIFF_PAPR_CLIPPER_H

#include <gnuradio/block.h>
#include <gnuradio/semdiff/api.h>
#include <gnuradio/semdiff/grid_spec.h>
#include <map>
#include <string>

namespace gr {
namespace semdiff {

/*!
 * \brief PAPR clipper: |s| <= ratio * sqrt(mean frame power).
 * \ingroup semdiff
 *
 * Per frame of frame_len samples, the average power is measured over the frame and every sample
 * whose amplitude exceeds ratio * sqrt(P_avg) is scaled back to it, phase kept (clipping.py).
 */
class SEMDIFF_API papr_clipper : virtual public gr::block
{
public:
    typedef std::shared_ptr<papr_clipper> sptr;
    static sptr make(int frame_len, float ratio, const std::string& len_tag_key = "packet_len");
    //! Frame counters: frames_in, frames_out, dropped_<reason>.
    virtual std::map<std::string, uint64_t> stats() const = 0;
    virtual void set_ratio(float ratio) = 0;
    virtual float ratio() const = 0;
};

} // namespace semdiff
} // namespace gr

#endif
