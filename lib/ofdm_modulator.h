/* gr-semdiff: OFDM frame construction (pilots + data -> grid -> IFFT -> CP) as a plain class.
 *
 * Same maths as python/semdiff/phy/ofdm.py (OFDMModem.map + modulate): unitary IFFT, CP copied from
 * the symbol's tail. One batched FFTW plan covers all OFDM symbols of a frame. FFTW is used directly
 * rather than gr::fft::fft_complex_rev because that wrapper plans one transform at a time; we take
 * GNU Radio's planner mutex while planning, as gr::fft does.
 */
#ifndef INCLUDED_SEMDIFF_OFDM_MODULATOR_H
#define INCLUDED_SEMDIFF_OFDM_MODULATOR_H

#include "fftw_batch.h"
#include <gnuradio/semdiff/grid_spec.h>

namespace gr {
namespace semdiff {

class ofdm_modulator
{
public:
    explicit ofdm_modulator(const grid_spec& grid);
    //! data: grid.k symbols; out: grid.frame_len() samples.
    void modulate(const gr_complex* data, gr_complex* out);
    const grid_spec& grid() const { return d_g; }

private:
    grid_spec d_g;
    std::vector<int> d_data_bins, d_used_bins, d_pilot_bins;
    fftw_batch d_ifft;
};

} // namespace semdiff
} // namespace gr
#endif
