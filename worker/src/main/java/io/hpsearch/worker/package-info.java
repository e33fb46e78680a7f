/** placeholder */ package io.hpsearch.worker;
