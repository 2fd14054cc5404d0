// Applies a remembered theme before first paint, so a dark choice never flashes light.
export const THEME_SCRIPT = `try{var t=JSON.parse(localStorage.getItem('runtime-lab:theme')||'{}').state;if(t&&(t.theme==='light'||t.theme==='dark'))document.documentElement.setAttribute('data-theme',t.theme)}catch(e){}`;
