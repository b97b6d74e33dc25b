// Reading CSV records in parallel chunks, as the CSV loader does (loaders/csv/csv_loader.cc):
// the body is cut at guessed record starts (just after a line end), the chunks are read in
// parallel, and a chunk whose guessed start fell inside a quoted field (its predecessor
// ended elsewhere) is read again from where its predecessor really ended. What a pass finds
// therefore never depends on the chunking.
#pragma once

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

namespace vetan {

// Guessed chunk starts for reading data[body, data.size()) in chunks of about
// `chunk_bytes`: just after a line end. Returns the starts of the chunks and, last,
// data.size().
inline std::vector<size_t> guess_chunk_starts(std::string_view data, size_t body,
                                              size_t chunk_bytes) {
  auto next_line_start = [&data](size_t from) {
    for (size_t i = from; i < data.size(); ++i) {
      if (data[i] == '\n') return i + 1;
      if (data[i] == '\r') return i + 1 < data.size() && data[i + 1] == '\n' ? i + 2 : i + 1;
    }
    return data.size();
  };
  const size_t chunk = std::max<size_t>(chunk_bytes, 1);
  std::vector<size_t> starts{body};
  for (size_t at = body + chunk; at < data.size(); at += chunk) {
    const size_t s = next_line_start(at);
    if (s > starts.back() && s < data.size()) starts.push_back(s);
  }
  starts.push_back(std::max(body, data.size()));
  return starts;
}

// Reads the chunks of `*starts` (from guess_chunk_starts; corrected on return).
// read(i, begin, limit) reads the records of chunk i, those that start in [begin, limit),
// and returns where the record after them starts. It is called from worker threads, once
// per chunk, and again for a chunk whose guessed start was wrong (from another begin: it
// must then forget what it found for that chunk before).
inline void read_csv_chunks(std::vector<size_t>* starts,
                            const std::function<size_t(size_t, size_t, size_t)>& read) {
  std::vector<size_t>& s = *starts;
  const size_t n = s.size() - 1;
  std::vector<size_t> ends(n);
  tbb::parallel_for(size_t(0), n, [&](size_t i) { ends[i] = read(i, s[i], s[i + 1]); });
  for (size_t i = 0; i + 1 < n; ++i) {
    if (ends[i] != s[i + 1]) {
      s[i + 1] = ends[i];
      ends[i + 1] = read(i + 1, s[i + 1], std::max(s[i + 1], s[i + 2]));
    }
  }
}

}  // namespace vetan
