#include "ofdm_modulator.h"
#include <algorithm>
#include <cstring>

namespace gr {
namespace semdiff {

static std::vector<int> to_bins(const grid_spec& g, const std::vector<int>& carriers)
{
    std::vector<int> b(carriers.size());
    std::transform(carriers.begin(), carriers.end(), b.begin(), [&](int c) { return g.bin(c); });
    return b;
}

ofdm_modulator::ofdm_modulator(const grid_spec& grid)
    : d_g((grid.validate(), grid)),
      d_data_bins(to_bins(grid, grid.data_carriers)),
      d_used_bins(to_bins(grid, grid.used_carriers)),
      d_pilot_bins(to_bins(grid, grid.pilot_carriers)),
      d_ifft(grid.fft_len, grid.n_symbols(), false)
{
}

void ofdm_modulator::modulate(const gr_complex* data, gr_complex* out)
{
    const int N = d_g.fft_len, cp = d_g.cp_len, S = d_g.n_symbols();
    const int s0 = d_g.n_pilot_only_symbols();
    gr_complex* X = d_ifft.data();
    std::fill(X, X + size_t(N) * S, gr_complex(0, 0));
    const gr_complex* pv = d_g.pilot_values.data();
    if (d_g.block_pilots) {
        for (int s = 0; s < s0; s++)
            for (size_t i = 0; i < d_used_bins.size(); i++)
                X[s * N + d_used_bins[i]] = *pv++;
    }
    int n = 0;
    for (int s = s0; s < S; s++) {
        gr_complex* row = X + size_t(s) * N;
        for (size_t i = 0; i < d_data_bins.size() && n < d_g.k; i++)
            row[d_data_bins[i]] = data[n++];
        if (!d_g.block_pilots)
            for (size_t i = 0; i < d_pilot_bins.size(); i++)
                row[d_pilot_bins[i]] = *pv++;
    }
    d_ifft.execute();
    const float sc = d_ifft.scale();
    for (int s = 0; s < S; s++) {
        const gr_complex* sym = X + size_t(s) * N;
        gr_complex* o = out + size_t(s) * (N + cp);
        for (int i = 0; i < cp; i++)
            o[i] = sym[N - cp + i] * sc;
        for (int i = 0; i < N; i++)
            o[cp + i] = sym[i] * sc;
    }
}

} // namespace semdiff
} // namespace gr
