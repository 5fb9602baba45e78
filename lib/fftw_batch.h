/* gr-semdiff: a batch of equal-size in-place complex FFTs with one FFTW plan. */
#ifndef INCLUDED_SEMDIFF_FFTW_BATCH_H
#define INCLUDED_SEMDIFF_FFTW_BATCH_H

#include <gnuradio/gr_complex.h>
#include <fftw3.h>

namespace gr {
namespace semdiff {

class fftw_batch
{
public:
    //! forward=true: FFT, else inverse; both scaled by 1/sqrt(n) (unitary).
    fftw_batch(int n, int howmany, bool forward);
    ~fftw_batch();
    fftw_batch(const fftw_batch&) = delete;
    fftw_batch& operator=(const fftw_batch&) = delete;
    gr_complex* data() { return d_buf; }
    //! Transform the buffer in place (unnormalised); callers apply scale().
    void execute();
    float scale() const { return d_scale; }
    int size() const { return d_n; }
    int howmany() const { return d_howmany; }

private:
    int d_n, d_howmany;
    float d_scale;
    gr_complex* d_buf;
    fftwf_plan d_plan;
};

} // namespace semdiff
} // namespace gr
#endif
