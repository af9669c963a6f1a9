// Header-only module; this file gives the target a source to build.
#include "CProctorPoll.h"
