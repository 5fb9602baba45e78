/* gr-semdiff: PAPR clipping of one frame, |s| <= ratio * sqrt(mean |s|^2)
 * (python/semdiff/phy/clipping.py: clip). */
#ifndef INCLUDED_SEMDIFF_PAPR_CLIP_H
#define INCLUDED_SEMDIFF_PAPR_CLIP_H

#include <gnuradio/gr_complex.h>
#include <cmath>

namespace gr {
namespace semdiff {

//! Clip n samples in -> out (may alias). Returns the number of clipped samples.
inline int papr_clip(const gr_complex* in, gr_complex* out, int n, float ratio)
{
    double p = 0;
    for (int i = 0; i < n; i++)
        p += std::norm(in[i]);
    const float a_max = ratio * float(std::sqrt(p / n));
    const float a2 = a_max * a_max;
    int clipped = 0;
    for (int i = 0; i < n; i++) {
        const float m2 = std::norm(in[i]);
        if (m2 > a2) {
            out[i] = in[i] * (a_max / std::sqrt(m2));
            clipped++;
        } else {
            out[i] = in[i];
        }
    }
    return clipped;
}

} // namespace semdiff
} // namespace gr
#endif
