# SPDX-License-Identifier: Apache-2.0
# Every static_assert with a message under include/ has a compile-fail
# snippet (tests/compile_fail/*.cpp) with an "// expect: <regex>" line that
# matches the message. Inputs: INCLUDE_DIR, SNIPPET_DIR.
#
# Messages that no snippet can reach on the build machine are listed in
# `unreachable`, each with the reason; the list is checked too (an entry that
# no longer names a message fails).
cmake_minimum_required(VERSION 3.25)
set(unreachable
  # Fires only if Highway gave a fixed-width target vectors of more than 16
  # floats or of a width that does not divide 16: none exists.
  "ctnn: a vector must hold a divisor of ctnn::pad_floats floats")

file(GLOB_RECURSE headers "${INCLUDE_DIR}/*.hpp")
file(GLOB snippets "${SNIPPET_DIR}/*.cpp")
# The regexes go into numbered variables, not a list: an unbalanced '[' in a
# regex (e.g. "\\[0, 1\\)") would stop CMake's list splitting.
set(expect_count 0)
foreach(snippet IN LISTS snippets)
  file(STRINGS "${snippet}" lines REGEX "^// expect(-gcc)?: ")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^// expect(-gcc)?: " "" expect_${expect_count} "${line}")
    math(EXPR expect_count "${expect_count} + 1")
  endforeach()
endforeach()

set(count 0)
set(missing "")
set(used_unreachable "")
foreach(header IN LISTS headers)
  file(READ "${header}" text)
  # CMake lists split on ';', so ';' becomes @SEMI@. A static_assert ends at
  # ");" before a line break; a ';' inside a message is followed by a space.
  # CMake's regexes are greedy: "@SA@" (no other '@' may be inside a match)
  # keeps one match from running on into the next static_assert.
  string(REPLACE "@" "@AT@" text "${text}")
  string(REPLACE "[" "@LB@" text "${text}")  # an unbalanced '[' would stop list splitting
  string(REPLACE "]" "@RB@" text "${text}")
  string(REPLACE ";" "@SEMI@" text "${text}")
  string(REPLACE "static_assert" "@SA@" text "${text}")  # a match cannot run into the next one
  string(REGEX MATCHALL "@SA@[ \t\r\n]*\\(([^@]|@SEMI@ |@AT@|@LB@|@RB@)*\\)@SEMI@[\r\n]" asserts "${text}")
  foreach(sa IN LISTS asserts)
    string(REGEX MATCHALL "\"([^\"\\\\]|\\\\.)*\"" literals "${sa}")
    if(NOT literals)
      continue()  # no message: a plain fact check
    endif()
    set(message "")
    foreach(lit IN LISTS literals)
      string(REGEX REPLACE "^\"(.*)\"$" "\\1" lit "${lit}")
      string(REPLACE "@SEMI@" ";" lit "${lit}")
      string(REPLACE "@LB@" "[" lit "${lit}")
      string(REPLACE "@RB@" "]" lit "${lit}")
      string(REPLACE "@AT@" "@" lit "${lit}")
      string(APPEND message "${lit}")
    endforeach()
    math(EXPR count "${count} + 1")
    set(found FALSE)
    math(EXPR last "${expect_count} - 1")
    foreach(i RANGE ${last})
      if(message MATCHES "${expect_${i}}")
        set(found TRUE)
        break()
      endif()
    endforeach()
    if(NOT found)
      foreach(regex IN LISTS unreachable)
        if(message MATCHES "${regex}")
          set(found TRUE)
          list(APPEND used_unreachable "${regex}")
        endif()
      endforeach()
    endif()
    if(NOT found)
      file(RELATIVE_PATH rel "${INCLUDE_DIR}" "${header}")
      string(APPEND missing "\n  ${rel}: \"${message}\"")
    endif()
  endforeach()
endforeach()

foreach(regex IN LISTS unreachable)
  if(NOT regex IN_LIST used_unreachable)
    string(APPEND missing "\n  (unreachable list) no message matches '${regex}' any more: remove the entry")
  endif()
endforeach()
if(count LESS 50)
  message(FATAL_ERROR "found only ${count} static_asserts with a message under ${INCLUDE_DIR}: the scan is broken")
endif()
if(missing)
  message(FATAL_ERROR "static_asserts with a message but no compile-fail snippet whose '// expect:' matches it:${missing}")
endif()
list(LENGTH snippets snippet_count)
message(STATUS "${count} static_assert messages, each matched by one of ${snippet_count} compile-fail snippets")
