/** placeholder */ package io.hpsearch.protocol;
