"""Over-the-air side of the module (GNU Radio): burst streams, GNU Radio's own channel models around
air_framer → ofdm_sync, and the measurements of [7 of 10] (detection, false alarms, EVM against a
genie-synchronised receiver, frame loss next to GNU Radio's ofdm_tx/ofdm_rx)."""
