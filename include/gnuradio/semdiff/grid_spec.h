/* gr-semdiff: the OFDM resource grid as the C++ blocks see it.
 *
 * Mirrors python/semdiff/phy/grid.py (ResourceGrid): Python builds a grid_spec from a ResourceGrid
 * (semdiff.grid_spec_from(grid)) so both sides share one layout. Carrier indices are signed
 * (-N/2 .. N/2-1), FFT bin = index mod N, as in GNU Radio's ofdm_carrier_allocator_cvc.
 */
#ifndef INCLUDED_SEMDIFF_GRID_SPEC_H
#define INCLUDED_SEMDIFF_GRID_SPEC_H

#include <gnuradio/gr_complex.h>
#include <gnuradio/semdiff/api.h>
#include <string>
#include <vector>

namespace gr {
namespace semdiff {

struct SEMDIFF_API grid_spec {
    int fft_len = 64;
    int cp_len = 16;
    int k = 128;                      //!< data symbols per frame
    bool block_pilots = true;         //!< true: whole pilot OFDM symbols; false: comb pilots
    int n_pilot_symbols = 1;          //!< block pilots only
    std::vector<int> used_carriers;   //!< all non-null carriers, ascending
    std::vector<int> data_carriers;   //!< carriers that carry data, in fill order
    std::vector<int> pilot_carriers;  //!< comb pilot carriers (empty for block pilots)
    //! block: n_pilot_symbols x used_carriers; comb: n_data_symbols x pilot_carriers (row major)
    std::vector<gr_complex> pilot_values;

    int n_data_symbols() const;
    int n_pilot_only_symbols() const { return block_pilots ? n_pilot_symbols : 0; }
    int n_symbols() const { return n_pilot_only_symbols() + n_data_symbols(); }
    int symbol_len() const { return fft_len + cp_len; }
    int frame_len() const { return n_symbols() * symbol_len(); }
    int bin(int carrier) const { return ((carrier % fft_len) + fft_len) % fft_len; }
    //! Pilot carriers used for estimation: all used carriers (block) or the comb ones.
    const std::vector<int>& estimation_carriers() const
    {
        return block_pilots ? used_carriers : pilot_carriers;
    }
    //! Throws std::invalid_argument naming the bad field.
    void validate() const;
};

} // namespace semdiff
} // namespace gr

#endif
