// The HTTP benchmark app as an ES module app (see http-routes.js).
import http from 'node:http';
import express from 'express';
import { serve } from './http-routes.js';

serve(http, express);
