/* gr-semdiff: PAPR clipping of one frame, |s| <= ratio * sqrt(mean |s|^2)
 * (python/semdiff/phy/clipping.py: clip). */
#ifndef INCLUDED_SEMDIFF_PAPR_CLIP_H
#define INCLUDED_SEMDIFF_PAPR_CLIP_H

#include <gnuradio/gr_complex.h>
#include <cmath>

namespace gr {
namespace semdiff {

//! Clip n samples in -> out (may alias). Returns the number of clipped samples.
//! Written over interleaved floats so the compiler vectorises both passes.
inline int papr_clip(const gr_complex* in, gr_complex* out, int n, float ratio)
{
    const float* x = reinterpret_cast<const float*>(in);
    float* y = reinterpret_cast<float*>(out);
    float p = 0;
    for (int i = 0; i < 2 * n; i++)
        p += x[i] * x[i];
    const float a2 = ratio * ratio * (p / n);
    int clipped = 0;
    for (int i = 0; i < n; i++) {
        const float re = x[2 * i], im = x[2 * i + 1];
        const float m2 = re * re + im * im;
        const float g = m2 > a2 ? std::sqrt(a2 / m2) : 1.0f;
        clipped += m2 > a2;
        y[2 * i] = re * g;
        y[2 * i + 1] = im * g;
    }
    return clipped;
}

} // namespace semdiff
} // namespace gr
#endif
