/* gr-semdiff: grid_spec validation and derived sizes. */
#include <gnuradio/semdiff/grid_spec.h>
#include <algorithm>
#include <set>
#include <stdexcept>

namespace gr {
namespace semdiff {

int grid_spec::n_data_symbols() const
{
    const int n = static_cast<int>(data_carriers.size());
    return n > 0 ? (k + n - 1) / n : 0;
}

void grid_spec::validate() const
{
    auto bad = [](const std::string& what) { throw std::invalid_argument("grid_spec: " + what); };
    if (fft_len < 2)
        bad("fft_len must be >= 2, got " + std::to_string(fft_len));
    if (cp_len < 0 || cp_len >= fft_len)
        bad("cp_len must be in [0, fft_len), got " + std::to_string(cp_len));
    if (k <= 0)
        bad("k must be positive, got " + std::to_string(k));
    if (data_carriers.empty())
        bad("data_carriers is empty");
    const int half = fft_len / 2;
    std::set<int> used(used_carriers.begin(), used_carriers.end());
    if (used.size() != used_carriers.size())
        bad("used_carriers holds a carrier twice");
    const std::set<int> data(data_carriers.begin(), data_carriers.end());
    if (data.size() != data_carriers.size())
        bad("data_carriers holds a carrier twice");
    for (int c : pilot_carriers)
        if (data.count(c) && !block_pilots)
            bad("carrier " + std::to_string(c) + " is both a data and a comb-pilot carrier");
    for (int c : used_carriers)
        if (c < -half || c >= fft_len - half)
            bad("used carrier " + std::to_string(c) + " outside the FFT");
    for (int c : data_carriers)
        if (!used.count(c))
            bad("data carrier " + std::to_string(c) + " is not a used carrier");
    for (int c : pilot_carriers)
        if (!used.count(c))
            bad("pilot carrier " + std::to_string(c) + " is not a used carrier");
    if (block_pilots) {
        if (n_pilot_symbols < 1)
            bad("n_pilot_symbols must be >= 1 for block pilots");
        if (pilot_values.size() != size_t(n_pilot_symbols) * used_carriers.size())
            bad("pilot_values must hold n_pilot_symbols x used_carriers values");
    } else {
        if (pilot_carriers.empty())
            bad("comb pilots need pilot_carriers");
        if (pilot_values.size() != size_t(n_data_symbols()) * pilot_carriers.size())
            bad("pilot_values must hold n_data_symbols x pilot_carriers values");
    }
}

} // namespace semdiff
} // namespace gr
