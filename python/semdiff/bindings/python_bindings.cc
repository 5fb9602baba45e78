/* gr-semdiff: pybind11 bindings for the C++ blocks and grid_spec. */
#include <pybind11/complex.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <gnuradio/semdiff/frame_interleaver.h>
#include <gnuradio/semdiff/grid_spec.h>
#include <gnuradio/semdiff/multipath_channel.h>
#include <gnuradio/semdiff/ofdm_deframer.h>
#include <gnuradio/semdiff/ofdm_framer.h>
#include <gnuradio/semdiff/air_framer.h>
#include <gnuradio/semdiff/ofdm_sync.h>
#include <gnuradio/semdiff/papr_clipper.h>

namespace py = pybind11;
using namespace gr::semdiff;

template <class B>
using block_class = py::class_<B, gr::block, gr::basic_block, std::shared_ptr<B>>;

PYBIND11_MODULE(semdiff_python, m)
{
    py::module::import("gnuradio.gr"); // registers gr::block / gr::basic_block

    py::class_<grid_spec>(m, "grid_spec")
        .def(py::init<>())
        .def_readwrite("fft_len", &grid_spec::fft_len)
        .def_readwrite("cp_len", &grid_spec::cp_len)
        .def_readwrite("k", &grid_spec::k)
        .def_readwrite("block_pilots", &grid_spec::block_pilots)
        .def_readwrite("n_pilot_symbols", &grid_spec::n_pilot_symbols)
        .def_readwrite("used_carriers", &grid_spec::used_carriers)
        .def_readwrite("data_carriers", &grid_spec::data_carriers)
        .def_readwrite("pilot_carriers", &grid_spec::pilot_carriers)
        .def_readwrite("pilot_values", &grid_spec::pilot_values)
        .def("n_data_symbols", &grid_spec::n_data_symbols)
        .def("n_symbols", &grid_spec::n_symbols)
        .def("frame_len", &grid_spec::frame_len)
        .def("validate", &grid_spec::validate);

    block_class<ofdm_framer>(m, "ofdm_framer", "OFDM framer: pilots, grid, IFFT, CP")
        .def(py::init(&ofdm_framer::make), py::arg("grid"), py::arg("len_tag_key") = "packet_len")
        .def("stats", &ofdm_framer::stats);

    block_class<papr_clipper>(m, "papr_clipper", "PAPR clipper |s| <= ratio*sqrt(P_avg)")
        .def(py::init(&papr_clipper::make), py::arg("frame_len"), py::arg("ratio"),
             py::arg("len_tag_key") = "packet_len")
        .def("stats", &papr_clipper::stats)
        .def("set_ratio", &papr_clipper::set_ratio)
        .def("ratio", &papr_clipper::ratio);

    block_class<ofdm_deframer>(m, "ofdm_deframer", "OFDM deframer: FFT, LS/LMMSE, ZF/MMSE")
        .def(py::init(&ofdm_deframer::make), py::arg("grid"), py::arg("estimator") = "lmmse",
             py::arg("equalizer") = "mmse", py::arg("pdp") = std::vector<float>{ 1.0f },
             py::arg("known_noise_var") = 0.0f, py::arg("len_tag_key") = "packet_len")
        .def("stats", &ofdm_deframer::stats);

    block_class<frame_interleaver>(m, "frame_interleaver", "per-frame symbol permutation")
        .def(py::init(&frame_interleaver::make), py::arg("perm"), py::arg("deinterleave") = false,
             py::arg("len_tag_key") = "packet_len")
        .def("stats", &frame_interleaver::stats);

    block_class<multipath_channel>(m, "multipath_channel", "block-fading channel + AWGN per frame")
        .def(py::init(&multipath_channel::make), py::arg("frame_len"), py::arg("kind") = "multipath",
             py::arg("n_taps") = 8, py::arg("decay") = 4.0f, py::arg("snr_db") = 20.0f,
             py::arg("seed") = 0, py::arg("len_tag_key") = "packet_len")
        .def("stats", &multipath_channel::stats)
        .def("set_snr_db", &multipath_channel::set_snr_db)
        .def("snr_db", &multipath_channel::snr_db);

    block_class<air_framer>(m, "air_framer", "preamble + coded header + burst tags for the air")
        .def(py::init(&air_framer::make), py::arg("grid"), py::arg("codec_id") = 0, py::arg("gap") = -1,
             py::arg("flags") = 0, py::arg("len_tag_key") = "packet_len")
        .def("burst_len", &air_framer::burst_len)
        .def("stats", &air_framer::stats);

    block_class<ofdm_sync>(m, "ofdm_sync", "burst detection, timing, CFO, header: stream in, frames out")
        .def(py::init(&ofdm_sync::make), py::arg("grid"), py::arg("threshold") = 0.25f,
             py::arg("channel_taps") = 8, py::arg("first_frame_id") = 0, py::arg("len_tag_key") = "packet_len")
        .def("lookahead", &ofdm_sync::lookahead)
        .def("stats", &ofdm_sync::stats);
}
