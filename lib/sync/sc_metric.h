/* gr-semdiff: Schmidl & Cox timing metric and CFO rotation — the stream-rate pieces of burst_sync.
 *
 * M(d) = |P(d)|² / R(d)², P(d) = Σ_{m<L} r*[d+m] r[d+m+L], R(d) = Σ_{m<L} |r[d+m+L]|² (S&C 1997,
 * eqs. (5)–(8)); L = N/2 for a training symbol with two identical halves.
 */
#ifndef INCLUDED_SEMDIFF_SC_METRIC_H
#define INCLUDED_SEMDIFF_SC_METRIC_H

#include <gnuradio/gr_complex.h>
#include <complex>

namespace gr {
namespace semdiff {

/*!
 * First d in [from, last) that starts a run of `min_run` samples with M > thr, or -1. Running sums,
 * recomputed every 1024 samples (float products accumulated in double still drift). Needs r up to
 * last + 2L.
 */
long sc_detect(const gr_complex* r, long from, long last, int L, float thr, int min_run);

//! The d in [from, to] with the largest M; P at that d in *P (its angle is π × the fractional CFO).
long sc_plateau_max(const gr_complex* r, long from, long to, int L, std::complex<double>* P);

//! out[i] = in[i]·exp(−j2π·eps·(i − ref)/N): removes a CFO of eps subcarrier spacings (in-place allowed).
void rotate(const gr_complex* in, long n, double eps, int N, long ref, gr_complex* out);

} // namespace semdiff
} // namespace gr
#endif
