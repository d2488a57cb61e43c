#pragma once
// What the text-header formats (NRRD, MetaImage) share: "key: value" / "Key = Value" header fields,
// the number parsers with readable errors, and the data part: a raw or deflated block either after
// the header in the same file or in a separate data file named by the header.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/io_util.hpp"

namespace emorph::io {

std::string trim(const std::string& s);
std::string lower(std::string s);
std::vector<std::string> split_ws(const std::string& s);
// Parses an integer / a finite double; throws InputError "<name>: <field> ..." otherwise.
int64_t header_int(const std::string& text, const std::string& name, const std::string& field);
double header_double(const std::string& text, const std::string& name, const std::string& field);

// The fields of a header; keys compare case-insensitively, later lines replace earlier ones.
class HeaderFields {
 public:
  // Splits "key<separator>value" and stores it trimmed; false (nothing stored) without a separator.
  bool add_line(const std::string& line, const std::string& separator);
  // The value of the first of `keys` that is present and not empty; "" when none.
  std::string get(std::initializer_list<const char*> keys) const;
  std::size_t size() const { return fields_.size(); }

 private:
  std::map<std::string, std::string> fields_;
};

// The line of `text` starting at `pos` (without "\n" or "\r\n"); pos moves to the next line, or to
// text.size() after the last one.
std::string next_header_line(const std::string& text, std::size_t& pos);

// Data file named by the header at `header_path`: relative names are relative to the header's folder.
std::string data_file_path(const std::string& header_path, const std::string& data_file);

// Whether data stored with that byte order need swapping on this machine.
bool needs_byte_swap(bool big_endian, DType dtype);

// The VolumeInfo of a text-header volume (files: the header, then the data file if separate).
VolumeInfo header_volume_info(const std::string& format, const Shape& shape, DType dtype, const Spacing& spacing,
                              bool spacing_from_file, const std::string& header_path, const std::string& data_path);

// Reader of uncompressed data `skip` bytes after `start` (skip -1: the data are the file's last
// bytes); checks the file size against the header.
std::unique_ptr<SlabReader> open_uncompressed_data(VolumeInfo info, const std::string& header_path,
                                                   const std::string& data_path, uint64_t start, int64_t skip,
                                                   bool big_endian);

// Writer of a header plus data, attached (header, then the data in the same file) or detached
// (data file written first, header last). `header` gets the compressed data size (0 until known:
// attached headers are written before the data).
class HeaderDataWriter : public SlabWriter {
 public:
  HeaderDataWriter(const std::string& path, const VolumeHeader& h, bool compress, DeflateWriter::Wrapper wrapper,
                   const std::string& detached_data_name, std::function<std::string(uint64_t)> header);
  void write(const void* slices, int64_t count) override;
  void commit() override;

 private:
  VolumeHeader volume_;
  std::string path_;
  bool detached_;
  std::function<std::string(uint64_t)> header_;
  std::unique_ptr<DataSink> data_;
  int64_t written_ = 0;
};

}  // namespace emorph::io
