/* gr-semdiff: air frame format — preamble sequences and the coded header (see air_format.h). */
#include "air_format.h"
#include "../fftw_batch.h"
#include <gnuradio/digital/crc.h>
#include <gnuradio/fec/cc_decoder.h>
#include <gnuradio/fec/cc_encoder.h>
#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace gr {
namespace semdiff {

namespace {
constexpr int PAYLOAD_BITS = air_format::INFO_BITS + air_format::CRC_BITS;
// mt19937's output sequence is fixed by the C++ standard (its distributions are not): raw bits only
std::vector<int> pn_bits(int n, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::vector<int> b(n);
    for (auto& x : b)
        x = (rng() >> 7) & 1;
    return b;
}
} // namespace

struct air_format::codec {
    // gr-fec's coder objects keep working buffers: one per air_format, used by one thread at a time
    fec::generic_encoder::sptr enc = fec::code::cc_encoder::make(
        PAYLOAD_BITS, 7, 2, { 109, 79 }, 0, ::CC_TERMINATED, false);
    fec::generic_decoder::sptr dec = fec::code::cc_decoder::make(
        PAYLOAD_BITS, 7, 2, { 109, 79 }, 0, -1, ::CC_TERMINATED, false);
    digital::crc crc16{ 16, 0x1021, 0xFFFF, 0, false, false }; // CRC-16-CCITT
    std::unique_ptr<fftw_batch> ifft;
};

air_format::air_format(const grid_spec& grid) : d_g(grid), d_codec(std::make_unique<codec>())
{
    d_g.validate();
    const int N = d_g.fft_len, n_used = static_cast<int>(d_g.used_carriers.size());
    d_n_hdr = (REPEAT * CODED_BITS + n_used - 1) / n_used;
    for (int c : d_g.used_carriers)
        d_used_bins.push_back(d_g.bin(c));
    d_codec->ifft = std::make_unique<fftw_batch>(N, 1, false);

    // STS: BPSK on the even carriers, √2 louder so the symbol has the payload's power
    std::vector<gr_complex> f(N, 0), t(N);
    auto b = pn_bits(n_used, 0x5C0FFEE);
    int n_even = 0;
    for (int i = 0; i < n_used; i++)
        if (d_g.used_carriers[i] % 2 == 0) {
            f[d_used_bins[i]] = gr_complex(b[i] ? -1.f : 1.f, 0) * std::sqrt(2.f);
            n_even++;
        }
    if (n_even < 4)
        throw std::invalid_argument("air_format: the grid has fewer than 4 even used carriers for the STS");
    ifft(f.data(), t.data());
    d_sts.assign(t.end() - d_g.cp_len, t.end());
    d_sts.insert(d_sts.end(), t.begin(), t.end());

    // LTS: QPSK on every used carrier; double CP, two copies
    d_lts_f.assign(N, 0);
    auto q = pn_bits(2 * n_used, 0x11A7E);
    const float a = 1.f / std::sqrt(2.f);
    for (int i = 0; i < n_used; i++)
        d_lts_f[d_used_bins[i]] = gr_complex(q[2 * i] ? -a : a, q[2 * i + 1] ? -a : a);
    ifft(d_lts_f.data(), t.data());
    d_lts.assign(t.end() - 2 * d_g.cp_len, t.end());
    d_lts.insert(d_lts.end(), t.begin(), t.end());
    d_lts.insert(d_lts.end(), t.begin(), t.end());

    // header slot interleaver: neighbouring coded bits land on distant carriers and symbols
    const int n_slots = d_n_hdr * n_used;
    d_slot_perm.resize(n_slots);
    for (int i = 0; i < n_slots; i++)
        d_slot_perm[i] = i;
    std::mt19937 rng(0xBEEF);
    for (int i = n_slots - 1; i > 0; i--)
        std::swap(d_slot_perm[i], d_slot_perm[rng() % (i + 1)]);
}

air_format::~air_format() = default;

void air_format::ifft(const gr_complex* freq, gr_complex* out) const
{
    auto& f = *d_codec->ifft;
    std::copy(freq, freq + d_g.fft_len, f.data());
    f.execute();
    for (int i = 0; i < d_g.fft_len; i++)
        out[i] = f.data()[i] * f.scale();
}

void air_format::modulate_header(const air_header& h, gr_complex* out) const
{
    const uint64_t info = (uint64_t(h.frame_id % FRAME_ID_MOD) << 24) | (uint64_t(h.k & 0xFFF) << 12) |
                          (uint64_t(h.codec & 0x3F) << 6) | (uint64_t(h.layout & 0x3) << 4) |
                          uint64_t(h.flags & 0xF);
    std::vector<uint8_t> bytes(7);
    for (int i = 0; i < 5; i++)
        bytes[i] = (info >> (32 - 8 * i)) & 0xFF;
    const uint64_t c = d_codec->crc16.compute(bytes.data(), 5);
    bytes[5] = (c >> 8) & 0xFF;
    bytes[6] = c & 0xFF;
    std::vector<uint8_t> bits(PAYLOAD_BITS), coded(CODED_BITS);
    for (int i = 0; i < PAYLOAD_BITS; i++)
        bits[i] = (bytes[i / 8] >> (7 - i % 8)) & 1;
    d_codec->enc->generic_work(bits.data(), coded.data());

    const int N = d_g.fft_len, cp = d_g.cp_len, n_used = static_cast<int>(d_used_bins.size());
    std::vector<gr_complex> f(d_n_hdr * N, 0), t(N);
    for (int j = 0; j < d_n_hdr * n_used; j++) {
        const int pos = d_slot_perm[j];
        f[(pos / n_used) * N + d_used_bins[pos % n_used]] = coded[j % CODED_BITS] ? -1.f : 1.f;
    }
    for (int s = 0; s < d_n_hdr; s++) {
        ifft(&f[s * N], t.data());
        gr_complex* o = out + s * (N + cp);
        std::copy(t.end() - cp, t.end(), o);
        std::copy(t.begin(), t.end(), o + cp);
    }
}

bool air_format::demodulate_header(const gr_complex* Y, const gr_complex* H, float nv, air_header& h) const
{
    const int N = d_g.fft_len, n_used = static_cast<int>(d_used_bins.size());
    if (!(nv > 1e-6f) || !std::isfinite(nv))
        nv = 1e-6f;
    std::vector<float> llr(CODED_BITS, 0.f); // log P(bit 1) / P(bit 0), summed over repeats
    for (int j = 0; j < d_n_hdr * n_used; j++) {
        const int pos = d_slot_perm[j], bin = d_used_bins[pos % n_used];
        llr[j % CODED_BITS] += -4.f * std::real(Y[(pos / n_used) * N + bin] * std::conj(H[bin])) / nv;
    }
    std::vector<uint8_t> soft(CODED_BITS), bits(PAYLOAD_BITS);
    for (int i = 0; i < CODED_BITS; i++) // gr-fec's cc_decoder: 128 ± confidence, above 128 = bit 1
        soft[i] = static_cast<uint8_t>(128 + std::clamp(std::lround(2.f * llr[i]), -127L, 127L));
    d_codec->dec->generic_work(soft.data(), bits.data());
    std::vector<uint8_t> bytes(7, 0);
    for (int i = 0; i < PAYLOAD_BITS; i++)
        bytes[i / 8] |= (bits[i] & 1) << (7 - i % 8);
    if (d_codec->crc16.compute(bytes.data(), 5) != ((uint64_t(bytes[5]) << 8) | bytes[6]))
        return false;
    uint64_t info = 0;
    for (int i = 0; i < 5; i++)
        info = (info << 8) | bytes[i];
    h.frame_id = (info >> 24) & 0xFFFF;
    h.k = (info >> 12) & 0xFFF;
    h.codec = (info >> 6) & 0x3F;
    h.layout = (info >> 4) & 0x3;
    h.flags = info & 0xF;
    return true;
}

} // namespace semdiff
} // namespace gr
