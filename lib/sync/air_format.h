/* gr-semdiff: what a frame looks like on the air — preamble, header, payload — as a plain class
 * shared by the transmitter (air_framer) and the receiver (burst_sync).
 *
 *   | STS: CP + N | LTS: 2·CP + 2·N | header: n_hdr × (CP + N) | payload: grid.frame_len() |
 *
 * STS: Schmidl & Cox's training symbol (IEEE Trans. Commun. 45(12), 1997): a PN sequence on the even
 *      used carriers only, so its time signal is two identical halves of N/2 — frame detection and the
 *      fractional CFO (|ε| < 1 subcarrier spacing) from the half-symbol correlation.
 * LTS: a known QPSK symbol on every used carrier, sent twice after a double CP (as 802.11's long
 *      training field): integer CFO (differential correlation in frequency, S&C §III-B), fine timing
 *      (cross-correlation), fine CFO and a pilot-based noise estimate from the two copies, and the
 *      channel estimate the header is equalized with.
 * Header: 40 bits (frame_id 16, k 12, codec id 6, pilot layout 2, flags 4) + CRC-16-CCITT, K=7 r=1/2
 *      convolutional code (GNU Radio's gr-fec cc_encoder/cc_decoder, terminated), every coded bit sent
 *      at least twice (overall rate ≤ 1/4: the header must survive 5 dB in multipath), BPSK spread
 *      over n_hdr symbols × used carriers by a fixed interleaver.
 * Why not GNU Radio's ofdm_tx header (header_format_ofdm + packet_headergenerator): it is uncoded
 * BPSK whose failures at 5 dB in multipath cannot meet the detection target, carries no image
 * metadata, and its receiver (ofdm_sync_sc_cfb → header_payload_demux) is the frame-losing chain the
 * issue compares against. CRC and Viterbi come from GNU Radio's libraries.
 */
#ifndef INCLUDED_SEMDIFF_AIR_FORMAT_H
#define INCLUDED_SEMDIFF_AIR_FORMAT_H

#include <gnuradio/semdiff/grid_spec.h>
#include <cstdint>
#include <memory>
#include <vector>

namespace gr {
namespace semdiff {

struct air_header {
    uint32_t frame_id = 0; //!< 16 bits on the air; the receiver unwraps it
    uint16_t k = 0;        //!< data symbols per frame, 12 bits
    uint8_t codec = 0;     //!< codec / CBR id, 6 bits
    uint8_t layout = 0;    //!< pilot layout, 2 bits (0 block, 1 comb)
    uint8_t flags = 0;     //!< 4 bits
    bool operator==(const air_header& o) const
    {
        return frame_id == o.frame_id && k == o.k && codec == o.codec && layout == o.layout &&
               flags == o.flags;
    }
};

class air_format
{
public:
    static constexpr int INFO_BITS = 40, CRC_BITS = 16, CODED_BITS = 2 * (INFO_BITS + CRC_BITS + 6);
    static constexpr int REPEAT = 2; //!< minimum copies of each coded bit
    static constexpr uint32_t FRAME_ID_MOD = 1u << 16;

    explicit air_format(const grid_spec& grid);
    ~air_format();
    const grid_spec& grid() const { return d_g; }
    int fft_len() const { return d_g.fft_len; }
    int cp_len() const { return d_g.cp_len; }
    int sym_len() const { return d_g.fft_len + d_g.cp_len; }
    int sts_len() const { return sym_len(); }
    int lts_len() const { return 2 * sym_len(); }
    int n_header_symbols() const { return d_n_hdr; }
    int header_len() const { return d_n_hdr * sym_len(); }
    int preamble_len() const { return sts_len() + lts_len(); }
    int overhead() const { return preamble_len() + header_len(); }
    int burst_len() const { return overhead() + d_g.frame_len(); }

    const std::vector<gr_complex>& sts() const { return d_sts; }       //!< CP + N samples
    const std::vector<gr_complex>& lts() const { return d_lts; }       //!< 2·CP + 2·N samples
    const std::vector<gr_complex>& lts_freq() const { return d_lts_f; } //!< N bins, 0 off the used ones
    const std::vector<int>& used_bins() const { return d_used_bins; }

    //! header_len() samples.
    void modulate_header(const air_header& h, gr_complex* out) const;
    /*!
     * Y: n_header_symbols × N FFT bins (unitary FFT of the CP-less header symbols); H: N bins of the
     * channel estimate; nv: noise variance per bin. True and h filled when the CRC holds.
     */
    bool demodulate_header(const gr_complex* Y, const gr_complex* H, float nv, air_header& h) const;
    //! N-point unitary IFFT of `freq` (N bins) into `out` (N samples).
    void ifft(const gr_complex* freq, gr_complex* out) const;

private:
    struct codec;
    grid_spec d_g;
    int d_n_hdr;
    std::vector<int> d_used_bins, d_slot_perm;
    std::vector<gr_complex> d_sts, d_lts, d_lts_f;
    std::unique_ptr<codec> d_codec;
};

} // namespace semdiff
} // namespace gr
#endif
