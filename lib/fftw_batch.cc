#include "fftw_batch.h"
#include <gnuradio/fft/fft.h>
#include <cmath>
#include <stdexcept>

namespace gr {
namespace semdiff {

fftw_batch::fftw_batch(int n, int howmany, bool forward)
    : d_n(n), d_howmany(howmany), d_scale(1.0f / std::sqrt(float(n)))
{
    d_buf = reinterpret_cast<gr_complex*>(fftwf_malloc(sizeof(gr_complex) * n * howmany));
    if (!d_buf)
        throw std::bad_alloc();
    // FFTW's planner is not thread-safe; GNU Radio serialises all planning on this mutex.
    std::lock_guard<std::mutex> lock(gr::fft::planner::mutex());
    auto* b = reinterpret_cast<fftwf_complex*>(d_buf);
    d_plan = fftwf_plan_many_dft(1, &n, howmany, b, nullptr, 1, n, b, nullptr, 1, n,
                                 forward ? FFTW_FORWARD : FFTW_BACKWARD, FFTW_MEASURE);
    if (!d_plan)
        throw std::runtime_error("fftw_batch: FFTW could not plan the transform");
}

fftw_batch::~fftw_batch()
{
    std::lock_guard<std::mutex> lock(gr::fft::planner::mutex());
    fftwf_destroy_plan(d_plan);
    fftwf_free(d_buf);
}

void fftw_batch::execute() { fftwf_execute(d_plan); }

} // namespace semdiff
} // namespace gr
