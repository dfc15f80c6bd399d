#!/usr/bin/env bash
echo "cli tests: none yet"
