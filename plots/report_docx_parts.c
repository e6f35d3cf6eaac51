/*
 * report_docx_parts.c - the fixed parts of the Word document (report_docx.c writes the
 * body): the zip package (libzip, built in memory, members stored in a fixed order with a
 * fixed date so the same report gives the same file), content types, relationships,
 * styles, bullet numbering, fonts, settings, the footer with page numbers and the core
 * properties.
 *
 * Styles carry Word's built-in names ("heading 1", "caption", "List Bullet"...) so Word
 * and WPS show them as their own (标题 1, 题注) and the navigation pane lists the headings.
 * Chinese text is set in SimSun (宋体, headings SimHei/黑体), Latin text in Times New
 * Roman (headings Arial), as Chinese official documents are; the font table names the
 * Chinese fonts' alternative names and GB2312 charset, so a system without them (WPS,
 * LibreOffice on Linux) substitutes a Chinese font of the same family rather than a Latin
 * one.
 */
#include "chart_internal.h"
#include "escape.h"
#include "report_docx.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define CT_WML "application/vnd.openxmlformats-officedocument.wordprocessingml."
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

lcm_status lcm__docx_open(lcm__docx *d, char *msg, size_t cap) {
    zip_error_t ze;
    zip_error_init(&ze);
    d->src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (d->src) {
        zip_source_keep(d->src); /* read back after zip_close */
        d->za = zip_open_from_source(d->src, ZIP_TRUNCATE, &ze);
        if (!d->za) {
            zip_source_free(d->src);
            d->src = NULL;
        }
    }
    if (!d->za)
        lcm__msg(msg, cap, "report: cannot start the Word document: %s", zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return d->za ? LCM_OK : LCM_NOMEM;
}

void lcm__docx_discard(lcm__docx *d) {
    if (d->za)
        zip_discard(d->za);
    if (d->src)
        zip_source_free(d->src);
    d->za = NULL, d->src = NULL;
}

lcm_status lcm__docx_add(lcm__docx *d, const char *name, void *data, size_t n, int store, char *msg,
                         size_t cap) {
    zip_source_t *s = data ? zip_source_buffer(d->za, data, n, 1) : NULL;
    if (!s) {
        free(data);
        lcm__msg(msg, cap, "report: out of memory writing the Word document");
        return LCM_NOMEM;
    }
    zip_int64_t i = zip_file_add(d->za, name, s, ZIP_FL_ENC_UTF_8);
    if (i < 0) {
        zip_source_free(s);
        lcm__msg(msg, cap, "report: cannot add %s to the Word document: %s", name,
                 zip_strerror(d->za));
        return LCM_NOMEM;
    }
    /* 2000-01-01 00:00 in MS-DOS form: the same report makes the same bytes */
    if (zip_set_file_compression(d->za, (zip_uint64_t)i, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                 0) != 0 ||
        zip_file_set_dostime(d->za, (zip_uint64_t)i, 0, (20 << 9) | (1 << 5) | 1, 0) != 0) {
        lcm__msg(msg, cap, "report: %s", zip_strerror(d->za));
        return LCM_INTERNAL;
    }
    return LCM_OK;
}

lcm_status lcm__docx_add_text(lcm__docx *d, const char *name, const char *text, char *msg,
                              size_t cap) {
    return lcm__docx_add(d, name, strdup(text), strlen(text), 0, msg, cap);
}

lcm_status lcm__docx_finish(lcm__docx *d, FILE *out, char *msg, size_t cap) {
    if (zip_close(d->za) != 0) {
        lcm__msg(msg, cap, "report: cannot finish the Word document: %s", zip_strerror(d->za));
        lcm__docx_discard(d);
        return LCM_NOMEM;
    }
    d->za = NULL;
    lcm_status st = LCM_OK;
    if (zip_source_open(d->src) != 0) {
        lcm__msg(msg, cap, "report: cannot read the Word document back");
        st = LCM_INTERNAL;
    } else {
        char buf[65536];
        zip_int64_t k;
        while ((k = zip_source_read(d->src, buf, sizeof buf)) > 0)
            if (fwrite(buf, 1, (size_t)k, out) != (size_t)k)
                break;
        zip_source_close(d->src);
        if (k < 0 || ferror(out)) {
            lcm__msg(msg, cap, "report: cannot write the output");
            st = LCM_IO;
        }
    }
    zip_source_free(d->src);
    d->src = NULL;
    return st;
}

static const char content_types[] = XML_HEAD
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Default Extension=\"png\" ContentType=\"image/png\"/>"
    "<Default Extension=\"svg\" ContentType=\"image/svg+xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"" CT_WML "document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"" CT_WML "styles+xml\"/>"
    "<Override PartName=\"/word/numbering.xml\" ContentType=\"" CT_WML "numbering+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" ContentType=\"" CT_WML "settings+xml\"/>"
    "<Override PartName=\"/word/fontTable.xml\" ContentType=\"" CT_WML "fontTable+xml\"/>"
    "<Override PartName=\"/word/footer1.xml\" ContentType=\"" CT_WML "footer+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "</Types>\n";

static const char package_rels[] = XML_HEAD
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL "officeDocument\" Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
    "core-properties\" Target=\"docProps/core.xml\"/>"
    "</Relationships>\n";

/* Fonts of Chinese text (eastAsia) and Latin text, body and headings. */
#define FONTS_BODY                                                                                 \
    "<w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"SimSun\" w:hAnsi=\"Times New Roman\" "     \
    "w:cs=\"Times New Roman\"/>"
#define FONTS_HEAD                                                                                 \
    "<w:rFonts w:ascii=\"Arial\" w:eastAsia=\"SimHei\" w:hAnsi=\"Arial\" w:cs=\"Arial\"/>"

/* word/styles.xml, in three strings (C compilers need support only 4095 bytes each) */
static const char styles_a[] = XML_HEAD
    "<w:styles xmlns:w=\"" NS_W "\">"
    "<w:docDefaults><w:rPrDefault><w:rPr>" FONTS_BODY
    "<w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>"
    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
    "<w:spacing w:after=\"0\" w:line=\"300\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault>"
    "</w:docDefaults>"
    /* paragraphs */
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
    "<w:qFormat/><w:pPr><w:spacing w:after=\"120\"/><w:jc w:val=\"both\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Subtitle\"/><w:qFormat/><w:pPr>"
    "<w:spacing w:after=\"80\"/><w:jc w:val=\"left\"/></w:pPr><w:rPr>" FONTS_HEAD
    "<w:b/><w:sz w:val=\"40\"/><w:szCs w:val=\"40\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Subtitle\"><w:name w:val=\"Subtitle\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr>"
    "<w:spacing w:after=\"320\"/></w:pPr><w:rPr><w:color w:val=\"555555\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>"
    "<w:keepLines/><w:pBdr><w:bottom w:val=\"single\" w:sz=\"12\" w:space=\"1\" "
    "w:color=\"D95F02\"/></w:pBdr><w:spacing w:before=\"360\" w:after=\"120\"/>"
    "<w:jc w:val=\"left\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr>" FONTS_HEAD
    "<w:b/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>";
static const char styles_b[] =
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>"
    "<w:keepLines/><w:spacing w:before=\"240\" w:after=\"80\"/><w:jc w:val=\"left\"/>"
    "<w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr>" FONTS_HEAD
    "<w:b/><w:sz w:val=\"23\"/><w:szCs w:val=\"23\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"TOCHeading\"><w:name w:val=\"TOC Heading\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"TOC1\"/><w:pPr><w:keepNext/>"
    "<w:spacing w:before=\"240\" w:after=\"120\"/></w:pPr><w:rPr>" FONTS_HEAD
    "<w:b/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"TOC1\"><w:name w:val=\"toc 1\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"40\"/>"
    "</w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"ListBullet\"><w:name w:val=\"List Bullet\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr>"
    "<w:spacing w:after=\"60\"/><w:ind w:left=\"420\" w:hanging=\"420\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Caption\"><w:name w:val=\"caption\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr>"
    "<w:spacing w:before=\"120\" w:after=\"60\"/><w:jc w:val=\"left\"/></w:pPr><w:rPr>"
    "<w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"TableText\">"
    "<w:name w:val=\"Table Text\"/><w:basedOn w:val=\"Normal\"/><w:pPr>"
    "<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/><w:jc w:val=\"left\"/></w:pPr>"
    "<w:rPr><w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"TableNote\">"
    "<w:name w:val=\"Table Note\"/><w:basedOn w:val=\"Normal\"/><w:pPr>"
    "<w:spacing w:before=\"40\" w:after=\"200\"/></w:pPr><w:rPr><w:color w:val=\"555555\"/>"
    "<w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Figure\">"
    "<w:name w:val=\"Figure\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:keepNext/>"
    "<w:spacing w:before=\"120\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>"
    "<w:jc w:val=\"center\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"ReportFooter\">"
    "<w:name w:val=\"Report Footer\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:pBdr>"
    "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"4\" w:color=\"CCCCCC\"/></w:pBdr>"
    "<w:spacing w:before=\"480\"/></w:pPr><w:rPr><w:color w:val=\"666666\"/>"
    "<w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"0\"/><w:jc w:val=\"center\"/>"
    "</w:pPr><w:rPr><w:color w:val=\"666666\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>"
    "</w:rPr></w:style>";
static const char styles_c[] =
    /* characters */
    "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\">"
    "<w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/>"
    "</w:style>"
    "<w:style w:type=\"character\" w:styleId=\"Hyperlink\"><w:name w:val=\"Hyperlink\"/>"
    "<w:basedOn w:val=\"DefaultParagraphFont\"/><w:rPr><w:color w:val=\"0563C1\"/>"
    "<w:u w:val=\"single\"/></w:rPr></w:style>"
    /* tables */
    "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\">"
    "<w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/><w:tblPr>"
    "<w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>"
    "<w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/>"
    "<w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
    "<w:style w:type=\"table\" w:customStyle=\"1\" w:styleId=\"ReportTable\">"
    "<w:name w:val=\"Report Table\"/><w:basedOn w:val=\"TableNormal\"/><w:tblPr><w:tblBorders>"
    "<w:top w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"333333\"/>"
    "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"CCCCCC\"/>"
    "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"CCCCCC\"/></w:tblBorders>"
    "<w:tblCellMar><w:top w:w=\"40\" w:type=\"dxa\"/><w:left w:w=\"85\" w:type=\"dxa\"/>"
    "<w:bottom w:w=\"40\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar>"
    "</w:tblPr></w:style>"
    "</w:styles>\n";

/* One bullet list: "•" hanging, as the HTML's <ul>. */
static const char numbering[] = XML_HEAD
    "<w:numbering xmlns:w=\"" NS_W "\"><w:abstractNum w:abstractNumId=\"0\">"
    "<w:multiLevelType w:val=\"singleLevel\"/><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/>"
    "<w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\xE2\x80\xA2\"/><w:lvlJc w:val=\"left\"/>"
    "<w:pPr><w:ind w:left=\"420\" w:hanging=\"420\"/></w:pPr><w:rPr>"
    "<w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:hint=\"default\"/></w:rPr></w:lvl>"
    "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>"
    "</w:numbering>\n";

static const char fonts[] =
    XML_HEAD "<w:fonts xmlns:w=\"" NS_W "\">"
             "<w:font w:name=\"SimSun\"><w:altName w:val=\"\xE5\xAE\x8B\xE4\xBD\x93\"/>"
             "<w:panose1 w:val=\"02010600030101010101\"/><w:charset w:val=\"86\"/>"
             "<w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/></w:font>"
             "<w:font w:name=\"SimHei\"><w:altName w:val=\"\xE9\xBB\x91\xE4\xBD\x93\"/>"
             "<w:panose1 w:val=\"02010609060101010101\"/><w:charset w:val=\"86\"/>"
             "<w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>"
             "<w:font w:name=\"Times New Roman\"><w:panose1 w:val=\"02020603050405020304\"/>"
             "<w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/>"
             "</w:font><w:font w:name=\"Arial\"><w:panose1 w:val=\"020B0604020202020204\"/>"
             "<w:charset w:val=\"00\"/><w:family w:val=\"swiss\"/><w:pitch w:val=\"variable\"/>"
             "</w:font></w:fonts>\n";

static const char settings[] =
    XML_HEAD "<w:settings xmlns:w=\"" NS_W "\"><w:zoom w:percent=\"100\"/>"
             "<w:defaultTabStop w:val=\"420\"/>"
             "<w:characterSpacingControl w:val=\"compressPunctuation\"/><w:compat>"
             "<w:compatSetting w:name=\"compatibilityMode\" "
             "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
             "</w:settings>\n";

/* "3 / 12" centred at the foot of every page, as the PDF prints it. */
static const char footer[] =
    XML_HEAD "<w:ftr xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:p><w:pPr>"
             "<w:pStyle w:val=\"Footer\"/></w:pPr><w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t>"
             "</w:r></w:fldSimple><w:r><w:t xml:space=\"preserve\"> / </w:t></w:r>"
             "<w:fldSimple w:instr=\" NUMPAGES \"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>"
             "</w:ftr>\n";

lcm_status lcm__docx_fixed_parts(lcm__docx *d, const lcm_report *r, char *msg, size_t cap) {
    char *core = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&core, &n);
    if (!f) {
        lcm__msg(msg, cap, "report: out of memory");
        return LCM_NOMEM;
    }
    fputs(XML_HEAD "<cp:coreProperties "
                   "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
                   "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>",
          f);
    lcm_xml_escape_fp(f, r->title);
    fprintf(f,
            "</dc:title><dc:creator>lcmon</dc:creator><dc:language>%s</dc:language>"
            "</cp:coreProperties>\n",
            r->lang == LCM_LANG_EN ? "en-US" : "zh-CN");
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(core);
        lcm__msg(msg, cap, "report: out of memory");
        return LCM_NOMEM;
    }
    size_t na = strlen(styles_a), nb = strlen(styles_b), nc = strlen(styles_c);
    char *sty = malloc(na + nb + nc);
    if (sty) {
        memcpy(sty, styles_a, na);
        memcpy(sty + na, styles_b, nb);
        memcpy(sty + na + nb, styles_c, nc);
    }
    lcm_status st = lcm__docx_add_text(d, "[Content_Types].xml", content_types, msg, cap);
    if (st == LCM_OK)
        st = lcm__docx_add_text(d, "_rels/.rels", package_rels, msg, cap);
    if (st == LCM_OK)
        st = lcm__docx_add(d, "docProps/core.xml", core, n, 0, msg, cap);
    else
        free(core);
    if (st == LCM_OK)
        st = lcm__docx_add(d, "word/styles.xml", sty, na + nb + nc, 0, msg, cap);
    else
        free(sty);
    if (st == LCM_OK)
        st = lcm__docx_add_text(d, "word/numbering.xml", numbering, msg, cap);
    if (st == LCM_OK)
        st = lcm__docx_add_text(d, "word/fontTable.xml", fonts, msg, cap);
    if (st == LCM_OK)
        st = lcm__docx_add_text(d, "word/settings.xml", settings, msg, cap);
    if (st == LCM_OK)
        st = lcm__docx_add_text(d, "word/footer1.xml", footer, msg, cap);
    return st;
}

void lcm__docx_rels_head(FILE *f) {
    fputs(XML_HEAD "<Relationships "
                   "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                   "<Relationship Id=\"rIdStyles\" Type=\"" REL "styles\" Target=\"styles.xml\"/>"
                   "<Relationship Id=\"rIdNumbering\" Type=\"" REL "numbering\" "
                   "Target=\"numbering.xml\"/>"
                   "<Relationship Id=\"rIdSettings\" Type=\"" REL "settings\" "
                   "Target=\"settings.xml\"/>"
                   "<Relationship Id=\"rIdFonts\" Type=\"" REL "fontTable\" "
                   "Target=\"fontTable.xml\"/>"
                   "<Relationship Id=\"rIdFooter\" Type=\"" REL "footer\" Target=\"footer1.xml\"/>",
          f);
}

void lcm__docx_rel_image(FILE *f, const char *id, const char *target) {
    fprintf(f, "<Relationship Id=\"%s\" Type=\"" REL "image\" Target=\"%s\"/>", id, target);
}
