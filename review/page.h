/* page.h: the review page (review/page.html), embedded in the program.
 *
 * The Makefile turns review/page.html into build/gen/review/page_html.c at
 * build time: the page is one self-contained HTML file (its CSS and script
 * inline, nothing fetched from elsewhere), served as is by the server. */
#ifndef ICTUS_REVIEW_PAGE_H
#define ICTUS_REVIEW_PAGE_H

/* The page's bytes, UTF-8, NUL-terminated (static storage). */
extern const char ictus_review_page_html[];

#endif
