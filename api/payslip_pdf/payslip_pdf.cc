#include "api/payslip_pdf/payslip_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/payslip/amount_words.h"

namespace vetan {
namespace {

// A4 in points; the PDF's user unit is the point and pango's resolution is set to 72 dpi,
// so font sizes are points too.
constexpr double kPageWidth = 595.276, kPageHeight = 841.890;
constexpr double kMargin = 42;
constexpr double kColumnGap = 14;
constexpr double kHalf = (kPageWidth - 2 * kMargin - kColumnGap) / 2;
constexpr double kRowHeight = 27;
constexpr double kLabelGray = 0.38;

const char* const kEnglishMonths[12] = {"January", "February", "March",     "April",
                                        "May",     "June",     "July",      "August",
                                        "September", "October", "November", "December"};
const char* const kHindiMonths[12] = {"जनवरी", "फ़रवरी", "मार्च",   "अप्रैल", "मई",    "जून",
                                      "जुलाई", "अगस्त",  "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर"};

// "November 2026 · नवंबर 2026" for "2026-11"; the text itself when it is not YYYY-MM.
std::string month_caption(std::string_view month) {
  if (month.size() != 7 || month[4] != '-') return std::string(month);
  const int m = (month[5] - '0') * 10 + (month[6] - '0');
  if (m < 1 || m > 12) return std::string(month);
  const std::string year(month.substr(0, 4));
  return std::string(kEnglishMonths[m - 1]) + " " + year + "  ·  " + kHindiMonths[m - 1] + " " + year;
}

std::string rupees(Money amount) { return "₹ " + indian_grouping(amount); }

// One piece of text at a fixed place: shaped again only when its text changes.
struct Field {
  PangoLayout* layout = nullptr;
  double x = 0, y = 0, gray = 0;
  std::string text;
  bool shaped = false;

  void set(std::string_view value) {
    if (shaped && value == text) return;
    text.assign(value);
    pango_layout_set_text(layout, text.data(), int(text.size()));
    shaped = true;
  }
  void draw(cairo_t* cr) const {
    cairo_set_source_rgb(cr, gray, gray, gray);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
  }
};

// Glyphs of one colour gathered from many places on a page and drawn with one
// cairo_show_glyphs per font: each drawing operation costs cairo's PDF backend a region
// union over the page's operations so far and its own text object, so twenty amounts drawn
// one by one cost far more than the same glyphs drawn at once.
class GlyphBatch {
 public:
  void add(cairo_scaled_font_t* font, const cairo_glyph_t& glyph) {
    for (Group& g : groups_) {
      if (g.font == font) {
        g.glyphs.push_back(glyph);
        return;
      }
    }
    groups_.push_back({font, {glyph}});
  }
  void draw(cairo_t* cr) {
    for (Group& g : groups_) {
      if (g.glyphs.empty()) continue;
      cairo_set_scaled_font(cr, g.font);
      cairo_show_glyphs(cr, g.glyphs.data(), int(g.glyphs.size()));
      g.glyphs.clear();  // the capacity is kept for the next page
    }
  }

 private:
  struct Group {
    cairo_scaled_font_t* font;
    std::vector<cairo_glyph_t> glyphs;
  };
  std::vector<Group> groups_;  // a few fonts: searched in order
};

// The glyphs of the characters amounts are written with ("0123456789,-₹ "), shaped once
// per font: an amount is drawn from them without shaping (digits need none: one glyph per
// character, left to right), the per-page work that dominates otherwise.
class Figures {
 public:
  static constexpr const char* kCharacters = "0123456789,-₹ ";

  void shape(PangoContext* context, const char* font) {
    layout_ = pango_layout_new(context);
    PangoFontDescription* description = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout_, description);
    pango_font_description_free(description);
    pango_layout_set_text(layout_, kCharacters, -1);
    baseline_ = double(pango_layout_get_baseline(layout_)) / PANGO_SCALE;
    PangoLayoutIter* iter = pango_layout_get_iter(layout_);
    do {
      PangoGlyphItem* run = pango_layout_iter_get_run_readonly(iter);
      if (run == nullptr) continue;
      cairo_scaled_font_t* scaled = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(run->item->analysis.font));
      const PangoGlyphString* glyphs = run->glyphs;
      for (int g = 0; g < glyphs->num_glyphs; ++g) {
        const int byte = run->item->offset + glyphs->log_clusters[g];
        const int slot = slot_of(kCharacters + byte);
        if (slot < 0) continue;
        font_[slot] = scaled;
        glyph_[slot] = glyphs->glyphs[g].glyph;
        advance_[slot] = double(glyphs->glyphs[g].geometry.width) / PANGO_SCALE;
      }
    } while (pango_layout_iter_next_run(iter));
    pango_layout_iter_free(iter);
  }
  ~Figures() {
    if (layout_ != nullptr) g_object_unref(layout_);
  }

  // Adds `text` (only kCharacters) to `batch` with its right end at x, its top at y.
  void add_right(GlyphBatch* batch, std::string_view text, double x, double y) const {
    double width = 0;
    for (size_t i = 0; i < text.size();) {
      const int slot = slot_of(text.data() + i);
      i += slot == kRupee ? 3 : 1;
      if (slot >= 0 && font_[slot] != nullptr) width += advance_[slot];
    }
    double at = x - width;
    const double baseline = y + baseline_;
    for (size_t i = 0; i < text.size();) {
      const int slot = slot_of(text.data() + i);
      i += slot == kRupee ? 3 : 1;
      if (slot < 0 || font_[slot] == nullptr) continue;
      batch->add(font_[slot], {glyph_[slot], at, baseline});
      at += advance_[slot];
    }
  }

 private:
  static constexpr int kSlots = 14, kRupee = 12;
  // The slot of the character at p: 0-9 digits, 10 ',', 11 '-', 12 '₹', 13 ' '; else -1.
  static int slot_of(const char* p) {
    if (*p >= '0' && *p <= '9') return *p - '0';
    if (*p == ',') return 10;
    if (*p == '-') return 11;
    if (*p == ' ') return 13;
    if (std::string_view(p, 3) == "₹") return kRupee;
    return -1;
  }
  PangoLayout* layout_ = nullptr;
  double baseline_ = 0;
  cairo_scaled_font_t* font_[kSlots] = {};
  unsigned long glyph_[kSlots] = {};
  double advance_[kSlots] = {};
};

// Glyphs of one font with their text and clusters, as cairo_show_text_glyphs takes them (so
// the PDF's text extracts as written, Devanagari included).
struct GlyphRun {
  cairo_scaled_font_t* font = nullptr;
  std::string text;  // UTF-8
  std::vector<cairo_glyph_t> glyphs;
  std::vector<cairo_text_cluster_t> clusters;

  // Appends `other` (of the same font) after this run's glyphs.
  void append(const GlyphRun& other, double dx, double dy) {
    text.append(other.text);
    for (cairo_glyph_t g : other.glyphs) glyphs.push_back({g.index, g.x + dx, g.y + dy});
    clusters.insert(clusters.end(), other.clusters.begin(), other.clusters.end());
  }
  void show(cairo_t* cr) const {
    if (font == nullptr || glyphs.empty()) return;
    cairo_set_scaled_font(cr, font);
    cairo_show_text_glyphs(cr, text.data(), int(text.size()), glyphs.data(), int(glyphs.size()), clusters.data(),
                           int(clusters.size()), cairo_text_cluster_flags_t(0));
  }
  void clear() {
    text.clear();
    glyphs.clear();
    clusters.clear();
  }
};

// Pango's shaped run `item` of the layout text `text`, its first glyph's pen at (x,
// baseline), into *out; *advance: its width. False when pango would not draw it as it is
// (right to left, an empty or unknown glyph, clusters out of logical order): draw the
// layout with pango then.
bool glyph_run(const PangoGlyphItem* item, const char* text, double x, double baseline, GlyphRun* out,
               double* advance) {
  const PangoGlyphString* glyphs = item->glyphs;
  out->font = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(item->item->analysis.font));
  out->text.assign(text + item->item->offset, size_t(item->item->length));
  out->glyphs.clear();
  out->clusters.clear();
  bool drawable = out->font != nullptr && item->item->analysis.level % 2 == 0;
  const double start_x = x;
  for (int g = 0; g < glyphs->num_glyphs; ++g) {
    const PangoGlyphInfo& info = glyphs->glyphs[g];
    if (info.glyph == PANGO_GLYPH_EMPTY || (info.glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0) drawable = false;
    out->glyphs.push_back({info.glyph, x + double(info.geometry.x_offset) / PANGO_SCALE,
                           baseline + double(info.geometry.y_offset) / PANGO_SCALE});
    x += double(info.geometry.width) / PANGO_SCALE;
    // Glyphs of one cluster share its first byte (log_clusters).
    if (g == 0 || glyphs->log_clusters[g] != glyphs->log_clusters[g - 1]) out->clusters.push_back({0, 0});
    out->clusters.back().num_glyphs += 1;
  }
  // A cluster's bytes run to the next cluster's first byte, or the run's end.
  int g = 0;
  for (cairo_text_cluster_t& c : out->clusters) {
    const int start = glyphs->log_clusters[g];
    g += c.num_glyphs;
    const int next = g < glyphs->num_glyphs ? glyphs->log_clusters[g] : item->item->length;
    if (next <= start) drawable = false;
    c.num_bytes = next - start;
  }
  if (!out->clusters.empty() && glyphs->log_clusters[0] != 0) drawable = false;
  *advance = x - start_x;
  return drawable;
}

// A one-line, left-aligned text at a fixed place drawn word by word from glyphs shaped once
// per word (the net in words, the name: a small vocabulary, and a new text on every page).
// Words are separated by spaces, which shaping does not cross, so a word's glyphs are the
// same wherever it stands; each is drawn with its text and clusters (cairo_show_text_glyphs),
// so the PDF's text extracts as written, Devanagari included. A text whose words do not fit
// the width on one line, or that shapes into glyphs pango would not draw as they are, is
// laid out by pango as a Field is.
class WordLine {
 public:
  WordLine() = default;
  WordLine(const WordLine&) = delete;
  WordLine& operator=(const WordLine&) = delete;
  // Takes `field` (its layout, owned from now on) for the place, font and fallback.
  void init(Field field, double width) {
    field_ = field;
    width_ = width;
    PangoContext* context = pango_layout_get_context(field.layout);
    const PangoFontDescription* font = pango_layout_get_font_description(field.layout);
    word_ = pango_layout_new(context);
    pango_layout_set_font_description(word_, font);
    // A Devanagari word takes its space from the Devanagari font too: the word and its
    // space are then one run, and a line of them one drawing operation.
    PangoFontDescription* devanagari = pango_font_description_copy(font);
    pango_font_description_set_family(devanagari, "Noto Sans Devanagari,Noto Sans");
    devanagari_word_ = pango_layout_new(context);
    pango_layout_set_font_description(devanagari_word_, devanagari);
    pango_font_description_free(devanagari);
  }
  ~WordLine() {
    if (word_ != nullptr) g_object_unref(word_);
    if (devanagari_word_ != nullptr) g_object_unref(devanagari_word_);
    if (field_.layout != nullptr) g_object_unref(field_.layout);
  }

  void set(std::string_view text) {
    if (set_ && text == text_) return;
    set_ = true;
    text_.assign(text);
    words_.clear();
    fallback_ = false;
    double width = 0;
    baseline_ = 0;
    for (size_t at = 0; at < text_.size();) {
      size_t end = text_.find(' ', at);
      end = end == std::string::npos ? text_.size() : end + 1;  // a word and its space
      const Shaped* w = shaped(std::string_view(text_).substr(at, end - at));
      if (w == nullptr) {
        fallback_ = true;
        break;
      }
      words_.push_back(w);
      width += w->width;
      baseline_ = std::max(baseline_, w->baseline);
      at = end;
    }
    if (fallback_ || width > width_) {
      fallback_ = true;
      field_.set(text_);
    }
  }

  void draw(cairo_t* cr) {
    if (fallback_) {
      field_.draw(cr);
      return;
    }
    cairo_set_source_rgb(cr, field_.gray, field_.gray, field_.gray);
    double x = field_.x;
    const double baseline = field_.y + baseline_;
    for (const Shaped* w : words_) {
      for (const GlyphRun& r : w->runs) {
        if (r.font != line_.font) {  // one drawing operation per font run of the line
          line_.show(cr);
          line_.clear();
          line_.font = r.font;
        }
        line_.append(r, x, baseline);
      }
      x += w->width;
    }
    line_.show(cr);
    line_.clear();
  }

 private:
  struct Shaped {
    std::vector<GlyphRun> runs;  // x from the word's start, y from its baseline
    double width = 0, baseline = 0;
    bool drawable = true;
  };
  // Words kept at most (a bill's names are a few thousand words; past this the cache starts
  // again, so a long run does not grow it without bound).
  static constexpr size_t kMaxWords = 8192;

  static bool has_devanagari(std::string_view word) {  // U+0900..U+097F: E0 A4 xx, E0 A5 xx
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      if (uint8_t(word[i]) == 0xE0 && (uint8_t(word[i + 1]) == 0xA4 || uint8_t(word[i + 1]) == 0xA5)) return true;
    }
    return false;
  }

  // The word's glyphs, shaped at first use; nullptr when pango would not draw them as they
  // are (an empty or unknown glyph, or more than one line).
  const Shaped* shaped(std::string_view word) {
    auto it = cache_.find(std::string(word));
    if (it == cache_.end()) {
      if (cache_.size() >= kMaxWords) cache_.clear();
      it = cache_.emplace(std::string(word), shape(word)).first;
    }
    return it->second.drawable ? &it->second : nullptr;
  }

  Shaped shape(std::string_view word) const {
    Shaped w;
    PangoLayout* layout = has_devanagari(word) ? devanagari_word_ : word_;
    pango_layout_set_text(layout, word.data(), int(word.size()));
    if (pango_layout_get_line_count(layout) != 1) {
      w.drawable = false;
      return w;
    }
    w.baseline = double(pango_layout_get_baseline(layout)) / PANGO_SCALE;
    double x = 0;
    for (GSList* l = pango_layout_get_line_readonly(layout, 0)->runs; l != nullptr; l = l->next) {
      GlyphRun r;
      double advance = 0;
      if (!glyph_run(static_cast<const PangoGlyphItem*>(l->data), word.data(), x, 0, &r, &advance)) w.drawable = false;
      x += advance;
      w.runs.push_back(std::move(r));
    }
    w.width = x;
    return w;
  }

  Field field_;  // the pango layout of the fallback (owned)
  PangoLayout* word_ = nullptr;             // shapes a word in the field's fonts
  PangoLayout* devanagari_word_ = nullptr;  // the Devanagari font first
  double width_ = 0, baseline_ = 0;
  std::string text_;
  bool set_ = false, fallback_ = false;
  std::vector<const Shaped*> words_;  // the text's words, into cache_
  std::unordered_map<std::string, Shaped> cache_;
  GlyphRun line_;  // scratch: a font run of the line placed on the page
};

// An amount at a fixed place, right-aligned at x, drawn black with the page's other amounts.
struct Amount {
  const Figures* figures = nullptr;
  double x = 0, y = 0;
  std::string text;
  void set(std::string_view value) { text.assign(value); }
  void add_to(GlyphBatch* batch) const { figures->add_right(batch, text, x, y); }
};

struct Rule {
  double x0, y0, x1, y1, width;
};
struct Band {
  double x, y, width, height, gray;
};

cairo_status_t write_to_sink(void* closure, const unsigned char* data, unsigned int length) {
  (*static_cast<PayslipPdf::Sink*>(closure))(
      std::string_view(reinterpret_cast<const char*>(data), length));
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

struct PayslipPdf::Impl {
  PayslipSheet sheet;
  Sink sink;
  PangoFontMap* font_map = nullptr;
  PangoContext* context = nullptr;
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;
  cairo_surface_t* page_template = nullptr;  // the fixed part, recorded once: one PDF form
  std::vector<Field> fixed;  // the template: shaped once
  std::vector<Rule> rules;
  std::vector<Band> bands;
  size_t pages = 0;
  bool finished = false;

  // The fields of a page.
  Field month, employee_id, level, bank, bill, ddo, treasury, days;
  WordLine name;
  Figures line_figures, bold_figures, net_figures;
  std::vector<Amount> earnings, deductions;  // by sheet line
  Amount gross, total_deductions, net, employer_nps;
  GlyphBatch amounts;  // a page's amounts, drawn at once
  WordLine net_english, net_hindi;

  static Amount amount(const Figures& figures, double right, double y) {
    Amount a;
    a.figures = &figures;
    a.x = right;
    a.y = y;
    return a;
  }

  Field make(const char* font, double x, double y, double width, PangoAlignment align,
             double gray = 0) {
    Field f;
    f.layout = pango_layout_new(context);
    PangoFontDescription* description = pango_font_description_from_string(font);
    pango_layout_set_font_description(f.layout, description);
    pango_font_description_free(description);
    if (width > 0) {
      pango_layout_set_width(f.layout, int(width * PANGO_SCALE));
      pango_layout_set_wrap(f.layout, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(f.layout, align);
    f.x = x;
    f.y = y;
    f.gray = gray;
    return f;
  }
  void label(const char* font, double x, double y, double width, PangoAlignment align,
             std::string_view text, double gray = 0) {
    fixed.push_back(make(font, x, y, width, align, gray));
    fixed.back().set(text);
  }

  void lay_out_template();
  void record_template();
  void draw_page();
};

void PayslipPdf::Impl::lay_out_template() {
  constexpr const char* kTitle = "Noto Sans, Noto Sans Devanagari Bold 15";
  constexpr const char* kCaption = "Noto Sans, Noto Sans Devanagari 7.5";
  constexpr const char* kValue = "Noto Sans, Noto Sans Devanagari 10";
  constexpr const char* kLine = "Noto Sans, Noto Sans Devanagari 9";
  constexpr const char* kLineHindi = "Noto Sans, Noto Sans Devanagari 8";
  constexpr const char* kBold = "Noto Sans, Noto Sans Devanagari Bold 10";
  constexpr const char* kNet = "Noto Sans, Noto Sans Devanagari Bold 14";
  const double left = kMargin, right = kMargin + kHalf + kColumnGap;
  const double text_width = kPageWidth - 2 * kMargin;

  label(kTitle, left, 36, text_width, PANGO_ALIGN_CENTER, "वेतन पर्ची  ·  Payslip");
  month = make(kValue, left, 62, text_width, PANGO_ALIGN_CENTER);
  rules.push_back({left, 84, kPageWidth - kMargin, 84, 0.8});

  // The employee and the bill: caption over value, two columns of four.
  struct Slot {
    const char* caption;
    Field* field;
  };
  Field name_field;
  const Slot left_slots[] = {{"Employee  ·  कर्मचारी", &name_field},
                             {"Employee id  ·  कर्मचारी कोड", &employee_id},
                             {"Pay level and cell  ·  वेतन स्तर और सेल", &level},
                             {"Bank account  ·  बैंक खाता", &bank}};
  const Slot right_slots[] = {{"Bill  ·  बिल", &bill},
                              {"DDO  ·  आहरण एवं संवितरण अधिकारी", &ddo},
                              {"Treasury  ·  कोषागार", &treasury},
                              {"Payable days  ·  देय दिवस", &days}};
  for (int i = 0; i < 4; ++i) {
    const double y = 94 + i * 32;
    label(kCaption, left, y, kHalf, PANGO_ALIGN_LEFT, left_slots[i].caption, kLabelGray);
    *left_slots[i].field = make(kValue, left, y + 11, kHalf, PANGO_ALIGN_LEFT);
    label(kCaption, right, y, kHalf, PANGO_ALIGN_LEFT, right_slots[i].caption, kLabelGray);
    *right_slots[i].field = make(kValue, right, y + 11, kHalf, PANGO_ALIGN_LEFT);
  }
  name.init(name_field, kHalf);

  // Earnings on the left, deductions on the right: a heading band, a row per line (English
  // over Hindi, the amount on the right), then the totals.
  const double table_top = 232;
  const double amount_width = 90;
  const double label_width = kHalf - amount_width - 8;
  bands.push_back({left, table_top, kHalf, 20, 0.90});
  bands.push_back({right, table_top, kHalf, 20, 0.90});
  label(kBold, left + 4, table_top + 3, label_width, PANGO_ALIGN_LEFT, "Earnings  ·  आय");
  label(kBold, left + kHalf - amount_width - 4, table_top + 3, amount_width, PANGO_ALIGN_RIGHT, "₹");
  label(kBold, right + 4, table_top + 3, label_width, PANGO_ALIGN_LEFT, "Deductions  ·  कटौतियाँ");
  label(kBold, right + kHalf - amount_width - 4, table_top + 3, amount_width, PANGO_ALIGN_RIGHT, "₹");
  const double first_row = table_top + 24;
  line_figures.shape(context, kLine);
  bold_figures.shape(context, kBold);
  net_figures.shape(context, kNet);
  auto lay_lines = [&](const std::vector<PayslipLine>& lines, double x, std::vector<Amount>* fields) {
    for (size_t i = 0; i < lines.size(); ++i) {
      const double y = first_row + double(i) * kRowHeight;
      label(kLine, x + 4, y, label_width, PANGO_ALIGN_LEFT, lines[i].label.english);
      label(kLineHindi, x + 4, y + 12, label_width, PANGO_ALIGN_LEFT, lines[i].label.hindi, kLabelGray);
      fields->push_back(amount(line_figures, x + kHalf - 4, y + 5));
      rules.push_back({x, y + kRowHeight - 2, x + kHalf, y + kRowHeight - 2, 0.3});
    }
  };
  lay_lines(sheet.earnings, left, &earnings);
  lay_lines(sheet.deductions, right, &deductions);
  const size_t rows = std::max(sheet.earnings.size(), sheet.deductions.size());
  const double totals = first_row + double(rows) * kRowHeight + 2;
  bands.push_back({left, totals, kHalf, 22, 0.95});
  bands.push_back({right, totals, kHalf, 22, 0.95});
  label(kBold, left + 4, totals + 4, label_width, PANGO_ALIGN_LEFT, "Gross pay  ·  सकल वेतन");
  gross = amount(bold_figures, left + kHalf - 4, totals + 4);
  label(kBold, right + 4, totals + 4, label_width, PANGO_ALIGN_LEFT, "Total deductions  ·  कुल कटौतियाँ");
  total_deductions = amount(bold_figures, right + kHalf - 4, totals + 4);

  // The net, in figures and in words.
  const double net_top = totals + 40;
  bands.push_back({left, net_top, text_width, 34, 0.88});
  label(kNet, left + 8, net_top + 7, text_width / 2, PANGO_ALIGN_LEFT, "Net pay  ·  शुद्ध देय वेतन");
  net = amount(net_figures, left + text_width - 8, net_top + 7);
  label(kCaption, left, net_top + 44, text_width, PANGO_ALIGN_LEFT, "In words  ·  शब्दों में", kLabelGray);
  net_english.init(make(kValue, left, net_top + 56, text_width, PANGO_ALIGN_LEFT), text_width);
  net_hindi.init(make(kValue, left, net_top + 74, text_width, PANGO_ALIGN_LEFT), text_width);

  double footer = net_top + 104;
  if (sheet.employer_nps != PayslipSheet::kNone) {
    label(kCaption, left, footer, text_width - amount_width, PANGO_ALIGN_LEFT,
          "Government's NPS contribution (on the bill, not deducted)  ·  "
          "सरकार का एनपीएस अंशदान (बिल पर, कटौती नहीं)",
          kLabelGray);
    employer_nps = amount(line_figures, left + text_width, footer - 1);
    footer += 22;
  }
  rules.push_back({left, footer, kPageWidth - kMargin, footer, 0.5});
  label(kCaption, left, footer + 6, text_width, PANGO_ALIGN_LEFT,
        "Made by vetan from the bill as passed; a computer-made payslip needs no signature.  ·  "
        "यह वेतन पर्ची पारित बिल से कंप्यूटर द्वारा बनाई गई है; इस पर हस्ताक्षर आवश्यक नहीं।",
        kLabelGray);
}

// Draws the fixed part once into a recording surface; painted on every page, cairo writes it
// to the PDF once, as a form each page refers to.
void PayslipPdf::Impl::record_template() {
  cairo_rectangle_t extents = {0, 0, kPageWidth, kPageHeight};
  page_template = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents);
  cairo_t* t = cairo_create(page_template);
  // As few drawing operations as the template allows: cairo's PDF backend replays the
  // template's operations on every page it is painted on (to analyse them), each at the cost
  // of a region union over the ones before. Bands of one gray are one fill, rules of one
  // width one stroke (none overlaps another of its kind), and the labels' glyphs of one font
  // and gray one text operation.
  std::vector<double> done;
  for (const Band& b : bands) {
    if (std::find(done.begin(), done.end(), b.gray) != done.end()) continue;
    done.push_back(b.gray);
    cairo_set_source_rgb(t, b.gray, b.gray, b.gray);
    for (const Band& same : bands) {
      if (same.gray == b.gray) cairo_rectangle(t, same.x, same.y, same.width, same.height);
    }
    cairo_fill(t);
  }
  cairo_set_source_rgb(t, 0.5, 0.5, 0.5);
  done.clear();
  for (const Rule& r : rules) {
    if (std::find(done.begin(), done.end(), r.width) != done.end()) continue;
    done.push_back(r.width);
    cairo_set_line_width(t, r.width);
    for (const Rule& same : rules) {
      if (same.width != r.width) continue;
      cairo_move_to(t, same.x0, same.y0);
      cairo_line_to(t, same.x1, same.y1);
    }
    cairo_stroke(t);
  }
  struct Group {
    double gray;
    GlyphRun run;
  };
  std::vector<Group> groups;
  GlyphRun piece;
  for (const Field& f : fixed) {
    std::vector<GlyphRun> pieces;
    bool drawable = true;
    const char* text = pango_layout_get_text(f.layout);
    PangoLayoutIter* iter = pango_layout_get_iter(f.layout);
    do {
      const PangoGlyphItem* run = pango_layout_iter_get_run_readonly(iter);
      if (run == nullptr) continue;  // a line's end
      PangoRectangle logical;
      pango_layout_iter_get_run_extents(iter, nullptr, &logical);
      const double x = f.x + double(logical.x) / PANGO_SCALE;
      const double baseline = f.y + double(pango_layout_iter_get_baseline(iter)) / PANGO_SCALE;
      double advance = 0;
      if (!glyph_run(run, text, x, baseline, &piece, &advance)) drawable = false;
      pieces.push_back(piece);
    } while (pango_layout_iter_next_run(iter));
    pango_layout_iter_free(iter);
    if (!drawable) {  // as pango draws it
      f.draw(t);
      continue;
    }
    for (const GlyphRun& r : pieces) {
      auto g = std::find_if(groups.begin(), groups.end(),
                            [&](const Group& x) { return x.gray == f.gray && x.run.font == r.font; });
      if (g == groups.end()) g = groups.insert(groups.end(), Group{f.gray, GlyphRun{r.font, {}, {}, {}}});
      g->run.append(r, 0, 0);
    }
  }
  for (const Group& g : groups) {
    cairo_set_source_rgb(t, g.gray, g.gray, g.gray);
    g.run.show(t);
  }
  cairo_destroy(t);
}

void PayslipPdf::Impl::draw_page() {
  cairo_set_source_surface(cr, page_template, 0, 0);
  cairo_paint(cr);
  for (const Field* f : {&month, &employee_id, &level, &bank, &bill, &ddo, &treasury, &days}) f->draw(cr);
  for (WordLine* w : {&name, &net_english, &net_hindi}) w->draw(cr);
  for (const Amount* a : {&gross, &total_deductions, &net}) a->add_to(&amounts);
  for (const Amount& a : earnings) a.add_to(&amounts);
  for (const Amount& a : deductions) a.add_to(&amounts);
  if (sheet.employer_nps != PayslipSheet::kNone) employer_nps.add_to(&amounts);
  cairo_set_source_rgb(cr, 0, 0, 0);
  amounts.draw(cr);
  cairo_show_page(cr);
}

PayslipPdf::PayslipPdf(const PayslipSheet& sheet, std::string_view month, std::string_view title,
                       Sink sink)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.sheet = sheet;
  m.sink = std::move(sink);
  m.font_map = pango_cairo_font_map_new();
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(m.font_map), 72);
  m.context = pango_font_map_create_context(m.font_map);
  pango_context_set_round_glyph_positions(m.context, FALSE);  // unrounded advances: no gaps in words
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(m.context, options);
  cairo_font_options_destroy(options);
  m.surface = cairo_pdf_surface_create_for_stream(write_to_sink, &m.sink, kPageWidth, kPageHeight);
  const std::string title_text(title);
  cairo_pdf_surface_set_metadata(m.surface, CAIRO_PDF_METADATA_TITLE, title_text.c_str());
  cairo_pdf_surface_set_metadata(m.surface, CAIRO_PDF_METADATA_CREATOR, "vetan payslips");
  if (month.size() == 7) {
    const std::string date = std::string(month) + "-01T00:00:00";
    cairo_pdf_surface_set_metadata(m.surface, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
  }
  m.cr = cairo_create(m.surface);
  pango_cairo_update_context(m.cr, m.context);
  m.lay_out_template();
  m.record_template();
}

PayslipPdf::~PayslipPdf() {
  Impl& m = *impl_;
  auto free_field = [](Field& f) {
    if (f.layout != nullptr) g_object_unref(f.layout);
    f.layout = nullptr;
  };
  for (Field& f : m.fixed) free_field(f);
  for (Field* f : {&m.month, &m.employee_id, &m.level, &m.bank, &m.bill, &m.ddo, &m.treasury, &m.days}) {
    free_field(*f);
  }
  if (m.cr != nullptr) cairo_destroy(m.cr);
  if (m.page_template != nullptr) cairo_surface_destroy(m.page_template);
  if (m.surface != nullptr) {
    if (!m.finished) cairo_surface_finish(m.surface);
    cairo_surface_destroy(m.surface);
  }
  if (m.context != nullptr) g_object_unref(m.context);
  if (m.font_map != nullptr) g_object_unref(m.font_map);
}

void PayslipPdf::add_page(const PayslipPage& page) {
  Impl& m = *impl_;
  const Money* a = page.amounts;
  m.month.set(month_caption(page.month));
  m.name.set(page.name);
  m.employee_id.set(page.employee_id);
  m.level.set(std::string(page.pay_level) + "  /  " + std::to_string(page.pay_cell));
  std::string bank = mask_account(page.bank_account);
  if (!page.ifsc.empty()) (bank += "  (IFSC ") += std::string(page.ifsc) + ")";
  m.bank.set(bank);
  m.bill.set(page.bill_id);
  m.ddo.set(page.ddo_code);
  m.treasury.set(page.treasury_code);
  m.days.set(std::to_string(page.payable_days));
  for (size_t i = 0; i < m.sheet.earnings.size(); ++i) m.earnings[i].set(indian_grouping(a[m.sheet.earnings[i].column]));
  for (size_t i = 0; i < m.sheet.deductions.size(); ++i) {
    m.deductions[i].set(indian_grouping(a[m.sheet.deductions[i].column]));
  }
  m.gross.set(indian_grouping(a[m.sheet.gross]));
  m.total_deductions.set(indian_grouping(a[m.sheet.total_deductions]));
  const Money net = a[m.sheet.net];
  m.net.set(rupees(net));
  m.net_english.set(rupees_in_english_words(net));
  m.net_hindi.set(rupees_in_hindi_words(net));
  if (m.sheet.employer_nps != PayslipSheet::kNone) m.employer_nps.set(indian_grouping(a[m.sheet.employer_nps]));
  m.draw_page();
  ++m.pages;
}

Status PayslipPdf::finish() {
  Impl& m = *impl_;
  if (m.finished) return Status::invalid_argument("the payslips' PDF is finished already");
  m.finished = true;
  if (m.pages == 0) return Status::invalid_argument("no payslip to print");
  cairo_destroy(m.cr);
  m.cr = nullptr;
  cairo_surface_finish(m.surface);
  const cairo_status_t status = cairo_surface_status(m.surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return Status::io_error(std::string("the payslips' PDF: ") + cairo_status_to_string(status));
  }
  return Status();
}

size_t PayslipPdf::pages() const { return impl_->pages; }

}  // namespace vetan
