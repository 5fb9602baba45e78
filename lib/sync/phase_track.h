/* gr-semdiff: common-phase tracking over BPSK OFDM symbols without pilots.
 *
 * A residual CFO of δ subcarrier spacings turns the phase of OFDM symbol s by 2πδ·t_s/N (t_s: its
 * distance in samples from the reference symbol the channel was estimated on). For BPSK data the
 * modulation drops out of the square: φ_s = ½·arg Σ_k (Y_s[k]·Ĥ*[k])², known up to π, which is
 * resolved by taking the branch nearest the phase predicted from the previous symbols (the drift per
 * symbol stays far below π/2). Each symbol is derotated by φ_s, and the least-squares slope of φ_s
 * against t_s is the residual CFO.
 */
#ifndef INCLUDED_SEMDIFF_PHASE_TRACK_H
#define INCLUDED_SEMDIFF_PHASE_TRACK_H

#include <gnuradio/gr_complex.h>
#include <vector>

namespace gr {
namespace semdiff {

/*!
 * Y: n_sym × N bins (derotated in place); H: N bins; bins: the BPSK-carrying bins; t: each symbol's
 * distance in samples from the reference. Returns the residual CFO in subcarrier spacings.
 */
double track_bpsk_phase(gr_complex* Y, const gr_complex* H, const std::vector<int>& bins, int N,
                        const std::vector<double>& t);

} // namespace semdiff
} // namespace gr
#endif
