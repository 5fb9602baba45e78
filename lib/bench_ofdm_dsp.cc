/* gr-semdiff: throughput of the DSP classes alone (no scheduler, no buffers), for `gr-semdiff bench phy`.
 * Usage: bench_semdiff_dsp <frames>   — prints "tx_msps rx_msps fft_msps" (time-domain samples/s). */
#include "fftw_batch.h"
#include "ofdm_modulator.h"
#include "ofdm_receiver.h"
#include "papr_clip.h"
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

using namespace gr::semdiff;

int main(int argc, char** argv)
{
    const int frames = argc > 1 ? std::atoi(argv[1]) : 20000;
    grid_spec g;
    g.fft_len = 64;
    g.cp_len = 16;
    g.k = 52 * 6;
    for (int c = -26; c <= 26; c++)
        if (c != 0)
            g.used_carriers.push_back(c);
    g.data_carriers = g.used_carriers;
    for (size_t i = 0; i < g.used_carriers.size(); i++)
        g.pilot_values.emplace_back(i % 2 ? 0.7071f : -0.7071f, 0.7071f);
    std::mt19937 rng(0);
    std::normal_distribution<float> n(0, 0.7071f);
    std::vector<gr_complex> data(g.k), tx(g.frame_len()), out(g.k);
    for (auto& d : data)
        d = { n(rng), n(rng) };
    ofdm_modulator mod(g);
    std::vector<float> pdp(8);
    for (int l = 0; l < 8; l++)
        pdp[l] = std::exp(-l / 4.0f);
    ofdm_receiver rx(g, "lmmse", "mmse", pdp, 0.0f);
    frame_csi csi;
    using clk = std::chrono::steady_clock;
    auto secs = [](clk::time_point a, clk::time_point b) {
        return std::chrono::duration<double>(b - a).count();
    };
    auto t0 = clk::now();
    for (int f = 0; f < frames; f++) {
        mod.modulate(data.data(), tx.data());
        papr_clip(tx.data(), tx.data(), g.frame_len(), 1.4f);
    }
    auto t1 = clk::now();
    for (int f = 0; f < frames; f++)
        rx.process(tx.data(), out.data(), csi);
    auto t2 = clk::now();
    fftw_batch fft(g.fft_len, g.n_symbols(), true);
    for (int f = 0; f < frames; f++)
        fft.execute();
    auto t3 = clk::now();
    const double samples = double(frames) * g.frame_len();
    std::printf("%.2f %.2f %.2f\n", samples / secs(t0, t1) / 1e6, samples / secs(t1, t2) / 1e6,
                samples / secs(t2, t3) / 1e6);
    return 0;
}
