// A Stryker ignorer: the module plumbing TypeScript writes into every compiled file (the
// `__esModule` flag, `require` of imports, its `__helper` functions) is not hoptrace's code, and a
// change to it shows in no test, so its mutants would only lower every score alike.
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

function isEsModuleFlag(node) {
  const call = node.type === 'ExpressionStatement' ? node.expression : undefined;
  return (
    call?.type === 'CallExpression' &&
    call.callee.type === 'MemberExpression' &&
    call.callee.object.name === 'Object' &&
    call.callee.property.name === 'defineProperty' &&
    call.arguments[0]?.name === 'exports' &&
    call.arguments[1]?.value === '__esModule'
  );
}

function isImportOrHelper(node) {
  if (node.type !== 'VariableDeclaration') return false;
  return node.declarations.every((d) => {
    const init = d.init;
    const isRequire = init?.type === 'CallExpression' && init.callee.name === 'require';
    return isRequire || (d.id.type === 'Identifier' && /^__[a-zA-Z]+$/.test(d.id.name));
  });
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'typescript-emitted', {
    shouldIgnore(path) {
      if (path.parentPath?.isProgram() && (isEsModuleFlag(path.node) || isImportOrHelper(path.node))) return "TypeScript's module plumbing";
      return undefined;
    },
  }),
];
