// Formatting the rows of one output file in parallel chunks and writing them in order
// (issue 13): a TBB pipeline takes chunks of consecutive rows in order, formats each on any
// worker into one of a fixed ring of buffers, and hands the buffers to one writer in chunk
// order, each as one large write(). The ring holds a few chunks per thread, so memory stays
// bounded by (ring size) x (largest chunk) whatever the file's size; the buffers keep their
// capacity from chunk to chunk and file to file (a ChunkBuffers lives as long as its
// owner), so no memory is released and faulted in again per chunk. Formatting overlaps
// writing: while the writer copies one chunk into the file, the other threads format the
// next ones.
//
// The bytes written never depend on the chunk size or the thread count: each row is
// formatted on its own and the chunks are written in row order.
//
// Thread-safety: one call at a time per ChunkBuffers; format() is called from many threads
// at once (for distinct rows) and must only read shared state.
#pragma once

#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vetan {

// A ring of formatting buffers reused by every write_rows_chunked() call given it: for each
// chunk that may be live at once, kMaxFiles buffers (a pass may write several files).
class ChunkBuffers {
 public:
  static constexpr size_t kMaxFiles = 3;

  // Buffers enough for `threads` workers (two chunks each, so the writer never waits for a
  // buffer while a formatter could run); at least 2 chunks. 0: the TBB limit in force.
  explicit ChunkBuffers(size_t threads = 0) {
    if (threads == 0) {
      threads = tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);
    }
    chunks_ = std::max<size_t>(2, 2 * threads + 1);
    buffers_.resize(chunks_ * kMaxFiles);
  }
  // How many chunks may be live at once.
  size_t chunks() const { return chunks_; }
  // The buffers of live chunk slot `slot` (kMaxFiles of them).
  std::string* slot(size_t slot) { return &buffers_[slot * kMaxFiles]; }

 private:
  size_t chunks_;
  std::vector<std::string> buffers_;
};

// Formats rows [0, count) in chunks of `rows_per_chunk` rows into `files` outputs at once
// (1 <= files <= ChunkBuffers::kMaxFiles): format(i, out) appends row i's lines to out[0 ..
// files) (to any of them, or none); then write(f, bytes) gets each chunk's bytes of file f,
// chunk by chunk in row order (files in turn within a chunk), from one thread at a time. A
// pass that writes several files reads each row once for all of them. About 1 MiB of output
// per chunk is best: large writes, buffers that stay in cache.
template <typename Format, typename Write>
void write_rows_chunked_to(ChunkBuffers* buffers, size_t files, size_t count, size_t rows_per_chunk,
                           const Format& format, const Write& write) {
  const size_t rows = std::max<size_t>(rows_per_chunk, 1);
  const size_t chunks = (count + rows - 1) / rows;
  if (chunks == 0) return;
  // With the last stage serial and in order, tokens leave the pipeline in chunk order, so
  // at most chunks() chunks are live at once and chunk c may use slot c % chunks().
  const size_t ring = buffers->chunks();
  size_t next = 0;
  tbb::parallel_pipeline(
      std::min(ring, chunks),
      tbb::make_filter<void, size_t>(tbb::filter_mode::serial_in_order,
                                     [&](tbb::flow_control& control) -> size_t {
                                       if (next == chunks) {
                                         control.stop();
                                         return 0;
                                       }
                                       return next++;
                                     }) &
          tbb::make_filter<size_t, size_t>(tbb::filter_mode::parallel,
                                           [&](size_t c) {
                                             std::string* out = buffers->slot(c % ring);
                                             for (size_t f = 0; f < files; ++f) out[f].clear();
                                             const size_t end = std::min(count, (c + 1) * rows);
                                             for (size_t i = c * rows; i < end; ++i) {
                                               format(i, out);
                                             }
                                             return c;
                                           }) &
          tbb::make_filter<size_t, void>(tbb::filter_mode::serial_in_order, [&](size_t c) {
            const std::string* out = buffers->slot(c % ring);
            for (size_t f = 0; f < files; ++f) {
              if (!out[f].empty()) write(f, std::string_view(out[f]));
            }
          }));
}

// The same for one file: format(i, &out) appends row i to `out`; write(bytes) gets each
// chunk's bytes in row order.
template <typename Format, typename Write>
void write_rows_chunked(ChunkBuffers* buffers, size_t count, size_t rows_per_chunk,
                        const Format& format, const Write& write) {
  write_rows_chunked_to(
      buffers, 1, count, rows_per_chunk, [&](size_t i, std::string* out) { format(i, out); },
      [&](size_t, std::string_view bytes) { write(bytes); });
}

}  // namespace vetan
