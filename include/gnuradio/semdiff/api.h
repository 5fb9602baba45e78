/* gr-semdiff: symbol visibility for the shared library. */
#ifndef INCLUDED_SEMDIFF_API_H
#define INCLUDED_SEMDIFF_API_H

#include <gnuradio/attributes.h>

#ifdef gnuradio_semdiff_EXPORTS
#define SEMDIFF_API __GR_ATTR_EXPORT
#else
#define SEMDIFF_API __GR_ATTR_IMPORT
#endif

#endif /* INCLUDED_SEMDIFF_API_H */
