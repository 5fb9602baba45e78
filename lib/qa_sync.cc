/* gr-semdiff: tests of the air format and burst acquisition (no flowgraph).
 *
 *   header ─► air_format ─► [CFO, offset, noise] ─► burst_sync ─► header', frame'
 */
#include "ofdm_modulator.h"
#include "sync/burst_sync.h"
#include <gtest/gtest.h>
#include <cmath>
#include <random>

using namespace gr::semdiff;

static grid_spec air_grid()
{
    grid_spec g;
    g.fft_len = 64;
    g.cp_len = 16;
    g.k = 128;
    for (int c = -26; c <= 26; c++)
        if (c != 0)
            g.used_carriers.push_back(c);
    g.data_carriers = g.used_carriers;
    for (size_t i = 0; i < g.used_carriers.size(); i++)
        g.pilot_values.emplace_back((i % 2 ? 1.f : -1.f) / std::sqrt(2.f), (i % 3 ? 1.f : -1.f) / std::sqrt(2.f));
    return g;
}

// one burst (preamble + header + frame of random symbols) after `lead` zeros, CFO eps, AWGN at snr_db
static std::vector<gr_complex> burst(const air_format& f, const air_header& h, int lead, double eps,
                                     double snr_db, unsigned seed, std::vector<gr_complex>* frame = nullptr)
{
    const auto& g = f.grid();
    std::mt19937 rng(seed);
    std::normal_distribution<float> n01;
    std::vector<gr_complex> data(g.k), fr(g.frame_len()), x(lead, 0);
    for (auto& d : data)
        d = gr_complex(n01(rng), n01(rng)) / std::sqrt(2.f);
    ofdm_modulator(g).modulate(data.data(), fr.data());
    x.insert(x.end(), f.sts().begin(), f.sts().end());
    x.insert(x.end(), f.lts().begin(), f.lts().end());
    std::vector<gr_complex> hdr(f.header_len());
    f.modulate_header(h, hdr.data());
    x.insert(x.end(), hdr.begin(), hdr.end());
    x.insert(x.end(), fr.begin(), fr.end());
    x.resize(x.size() + 400, 0);
    const float sigma = std::sqrt(52.f / 64.f / std::pow(10.f, float(snr_db) / 10.f) / 2.f);
    for (size_t i = 0; i < x.size(); i++)
        x[i] = x[i] * gr_complex(std::polar(1.0, 2 * M_PI * eps * double(i) / g.fft_len)) +
               gr_complex(n01(rng), n01(rng)) * sigma;
    if (frame)
        *frame = fr;
    return x;
}

TEST(air_format, header_round_trip_and_crc)
{
    air_format f(air_grid());
    EXPECT_EQ(f.n_header_symbols(), 5); // 2 × 124 coded bits over 52 carriers
    air_header h;
    h.frame_id = 0xABCD;
    h.k = 128;
    h.codec = 42;
    h.layout = 1;
    h.flags = 9;
    std::vector<gr_complex> t(f.header_len()), Y(f.n_header_symbols() * 64), H(64, 1.f);
    f.modulate_header(h, t.data());
    // receiver side by hand: drop the CP, unitary FFT via the inverse of ifft (conjugate trick)
    for (int s = 0; s < f.n_header_symbols(); s++) {
        std::vector<gr_complex> c(64), o(64);
        for (int i = 0; i < 64; i++)
            c[i] = std::conj(t[s * 80 + 16 + i]);
        f.ifft(c.data(), o.data());
        for (int i = 0; i < 64; i++)
            Y[s * 64 + i] = std::conj(o[i]);
    }
    air_header got;
    ASSERT_TRUE(f.demodulate_header(Y.data(), H.data(), 0.01f, got));
    EXPECT_EQ(got, h);
    // flip the sign of half the carriers of every symbol: far beyond what the code corrects
    for (size_t i = 0; i < Y.size(); i += 2)
        Y[i] = -Y[i];
    EXPECT_FALSE(f.demodulate_header(Y.data(), H.data(), 0.01f, got));
}

TEST(burst_sync, finds_burst_with_cfo_and_offset)
{
    burst_sync s(air_grid(), 0.25f, 8);
    air_header h;
    h.frame_id = 77;
    h.k = 128;
    for (double eps : { -2.5, -1.3, 0.0, 0.7, 2.5 }) {
        std::vector<gr_complex> fr;
        auto x = burst(s.format(), h, 333, eps, 25.0, 5, &fr);
        const long d = s.detect(x.data(), long(x.size()), 0);
        ASSERT_GE(d, 0) << eps;
        burst_result r;
        ASSERT_TRUE(s.acquire(x.data(), long(x.size()), d, r)) << eps << " " << r.failure;
        EXPECT_EQ(r.header.frame_id, 77u);
        EXPECT_NEAR(r.cfo, eps, 0.02) << eps;
        EXPECT_NEAR(r.start, 333, 2) << eps;
        EXPECT_NEAR(r.snr_db, 25.0, 2.0);
    }
}

TEST(burst_sync, noise_alone_gives_no_frame)
{
    burst_sync s(air_grid(), 0.25f, 8);
    std::mt19937 rng(9);
    std::normal_distribution<float> n01;
    std::vector<gr_complex> x(200000);
    for (auto& v : x)
        v = gr_complex(n01(rng), n01(rng));
    long pos = 0, frames = 0;
    burst_result r;
    while ((pos = s.detect(x.data(), long(x.size()), pos)) >= 0) {
        frames += s.acquire(x.data(), long(x.size()), pos, r);
        pos += 48;
    }
    EXPECT_EQ(frames, 0);
}
