/* gr-semdiff: tests of the plain DSP classes (no flowgraph).
 *
 *   data ─► ofdm_modulator ─► [multipath taps, noise] ─► ofdm_receiver ─► data'
 */
#include "ofdm_modulator.h"
#include "ofdm_receiver.h"
#include "papr_clip.h"
#include <gtest/gtest.h>
#include <cmath>
#include <random>

using namespace gr::semdiff;

static grid_spec make_grid(bool block)
{
    grid_spec g;
    g.fft_len = 64;
    g.cp_len = 16;
    g.k = 128;
    g.block_pilots = block;
    for (int c = -26; c <= 26; c++)
        if (c != 0)
            g.used_carriers.push_back(c);
    if (block) {
        g.data_carriers = g.used_carriers;
    } else {
        for (size_t i = 0; i < g.used_carriers.size(); i++)
            (i % 4 == 0 || i + 1 == g.used_carriers.size() ? g.pilot_carriers : g.data_carriers)
                .push_back(g.used_carriers[i]);
    }
    const size_t np = block ? g.used_carriers.size() : g.n_data_symbols() * g.pilot_carriers.size();
    for (size_t i = 0; i < np; i++)
        g.pilot_values.emplace_back((i % 2 ? 1.f : -1.f) / std::sqrt(2.f),
                                    (i % 3 ? 1.f : -1.f) / std::sqrt(2.f));
    return g;
}

static std::vector<gr_complex> random_symbols(int n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0, std::sqrt(0.5f));
    std::vector<gr_complex> v(n);
    for (auto& x : v)
        x = { d(rng), d(rng) };
    return v;
}

static std::vector<gr_complex> convolve(const std::vector<gr_complex>& s,
                                        const std::vector<gr_complex>& h)
{
    std::vector<gr_complex> r(s.size());
    for (size_t n = 0; n < s.size(); n++)
        for (size_t l = 0; l < h.size() && l <= n; l++)
            r[n] += h[l] * s[n - l];
    return r;
}

TEST(ofdm_dsp, noiseless_multipath_roundtrip_both_pilot_types)
{
    for (bool block : { true, false }) {
        grid_spec g = make_grid(block);
        ofdm_modulator mod(g);
        ofdm_receiver rx(g, "lmmse", "zf", { 0.5f, 0.3f, 0.2f }, 1e-9f);
        auto data = random_symbols(g.k, 1);
        std::vector<gr_complex> tx(g.frame_len()), out(g.k);
        mod.modulate(data.data(), tx.data());
        auto r = convolve(tx, { { 0.8f, 0.1f }, { -0.3f, 0.4f }, { 0.1f, -0.2f } });
        frame_csi csi;
        rx.process(r.data(), out.data(), csi);
        for (int i = 0; i < g.k; i++)
            EXPECT_NEAR(std::abs(out[i] - data[i]), 0.0f, 1e-3f) << "block=" << block << " i=" << i;
    }
}

TEST(ofdm_dsp, unitary_ifft_preserves_energy)
{
    grid_spec g = make_grid(true);
    ofdm_modulator mod(g);
    auto data = random_symbols(g.k, 2);
    std::vector<gr_complex> tx(g.frame_len());
    mod.modulate(data.data(), tx.data());
    double e_time = 0, e_freq = g.used_carriers.size(); // pilot symbol energy
    for (int s = 0; s < g.n_symbols(); s++)
        for (int i = g.cp_len; i < g.fft_len + g.cp_len; i++)
            e_time += std::norm(tx[s * (g.fft_len + g.cp_len) + i]);
    for (auto& d : data)
        e_freq += std::norm(d);
    EXPECT_NEAR(e_time, e_freq, 1e-3 * e_freq);
}

TEST(ofdm_dsp, noise_variance_estimate_is_unbiased)
{
    grid_spec g = make_grid(true);
    ofdm_modulator mod(g);
    ofdm_receiver rx(g, "ls", "mmse", std::vector<float>(8, 0.125f), 0.0f);
    std::mt19937 rng(3);
    const float nv = 0.1f;
    std::normal_distribution<float> n(0, std::sqrt(nv / 2));
    double acc = 0;
    const int trials = 400;
    std::vector<gr_complex> tx(g.frame_len()), out(g.k);
    for (int t = 0; t < trials; t++) {
        auto data = random_symbols(g.k, 10 + t);
        mod.modulate(data.data(), tx.data());
        for (auto& x : tx)
            x += gr_complex(n(rng), n(rng));
        frame_csi csi;
        rx.process(tx.data(), out.data(), csi);
        acc += csi.noise_var;
    }
    EXPECT_NEAR(acc / trials, nv, 0.05 * nv);
}

TEST(ofdm_dsp, clipping_bounds_amplitude)
{
    auto s = random_symbols(1000, 4);
    s[10] = { 30.f, 0.f };
    std::vector<gr_complex> out(s.size());
    double p = 0;
    for (auto& x : s)
        p += std::norm(x);
    const float a_max = 1.2f * float(std::sqrt(p / s.size()));
    int n = papr_clip(s.data(), out.data(), int(s.size()), 1.2f);
    EXPECT_GT(n, 0);
    for (auto& x : out)
        EXPECT_LE(std::abs(x), a_max * (1 + 1e-6f));
    EXPECT_NEAR(std::arg(out[10]), 0.0f, 1e-6f);
}

TEST(ofdm_dsp, invalid_grid_names_the_field)
{
    grid_spec g = make_grid(true);
    g.cp_len = 64;
    try {
        g.validate();
        FAIL() << "expected invalid_argument";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("cp_len"), std::string::npos);
    }
}
