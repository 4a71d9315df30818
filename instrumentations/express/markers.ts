/** What the express instrumentation marks on express's layers. Symbols: express and the app never see them. */
/** The path a layer was registered with (`use('/api')`, `route('/users/:id')`). */
export const EXPRESS_LAYER_PATH = Symbol('hoptrace.express.layerPath');
/** The name and attributes of a layer's spans, per route (../http/handler-span-shape.ts). */
export const EXPRESS_LAYER_SPAN_SHAPES = Symbol('hoptrace.express.layerSpanShapes');
/** A route layer's full route template for the mount paths it was last reached under (layer-handler.ts). */
export const EXPRESS_LAYER_ROUTE = Symbol('hoptrace.express.layerRoute');
