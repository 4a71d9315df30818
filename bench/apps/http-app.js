'use strict';
// The HTTP benchmark app as a CommonJS app (see http-routes.js).
require('./http-routes').serve(require('node:http'), require('express'));
